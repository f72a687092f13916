"""Recording consent; the only code that writes the consent register."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kansrijk.cases.workflow import ConsentAnswer
from kansrijk.consent.models import Consent, Purpose

if TYPE_CHECKING:
    from kansrijk.cases.models import Case
    from kansrijk.core.models import Professional


def consent_record_for_case(
    *, case: Case, by: Professional, answer: ConsentAnswer, method: str,
    guardian_id: int | None = None, purpose: Purpose = Purpose.DISCUSS_IN_VOT,
) -> list[Consent]:
    """Record the parents' answer for every child on the case (seed 001: the IB asks)."""
    if method not in Consent.Method.values:
        method = Consent.Method.VERBAL
    guardian = case.family.guardians.filter(pk=guardian_id).first() if guardian_id else None
    child_ids = sorted(set(case.signals.values_list("child_id", flat=True)))
    status = Consent.Status.GIVEN if answer == ConsentAnswer.GIVEN else Consent.Status.REFUSED
    return Consent.objects.bulk_create(
        Consent(
            child_id=child_id, case=case, purpose=purpose, status=status, given_by=guardian,
            method=method, recorded_by=by,
        )
        for child_id in child_ids
    )
