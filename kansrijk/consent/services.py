"""Recording consent; the only code that writes the consent register.

Who decides (Wgbo/Jeugdwet): under 12 a parent with parental authority; from 12 to 15 both
the parent and the young person; from 16 the young person alone. A new answer for the same
child × purpose × recipient supersedes the previous one at once, so a withdrawal takes effect
in every list the moment it is saved (access.policies reads only records in force).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kansrijk.access.matrix import Action
from kansrijk.access.policies import can, memberships_of
from kansrijk.access.roles import Role
from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.workflow import ConsentAnswer
from kansrijk.consent.models import Consent, LegalGround, Purpose

if TYPE_CHECKING:
    from kansrijk.cases.models import Case, Child, Guardian
    from kansrijk.core.models import Organisation, Professional


def _check_who_decides(child: Child, guardian: Guardian | None, by_child: bool) -> None:
    age = child.age_on(timezone.localdate())
    if guardian is not None and (
        guardian.family_id != child.family_id or not guardian.parental_authority
    ):
        raise CaseError(
            _("Only a parent or carer with parental authority can answer."), field="guardian"
        )
    if age >= 16:
        if not by_child:
            raise CaseError(
                _("%(name)s is 16 or older and decides alone: record the young person's answer.")
                % {"name": child.given_name},
                field="by_child",
            )
    elif age >= 12:
        if guardian is None or not by_child:
            raise CaseError(
                _("%(name)s is between 12 and 16: both a parent and the young person must answer.")
                % {"name": child.given_name},
                field="by_child",
            )
    elif guardian is None:
        raise CaseError(
            _("Choose the parent or carer with parental authority who answered."), field="guardian"
        )


def _write(
    *,
    child: Child,
    case: Case | None,
    purpose: str,
    recipient: Organisation | None,
    status: str,
    guardian: Guardian | None,
    by_child: bool,
    method: str,
    by: Professional,
    valid_until: datetime.date | None,
) -> Consent:
    now = timezone.now()
    Consent.objects.filter(
        child=child, purpose=purpose, recipient=recipient, superseded_at__isnull=True
    ).update(superseded_at=now)
    return Consent.objects.create(
        child=child,
        case=case,
        purpose=purpose,
        recipient=recipient,
        status=status,
        given_by=guardian,
        by_child=by_child,
        method=method,
        recorded_by=by,
        recorded_at=now,
        valid_until=valid_until,
    )


def consent_record(
    *,
    by: Professional,
    case_id: int,
    child: Child,
    purpose: str,
    status: str,
    method: str,
    recipient: Organisation | None = None,
    guardian: Guardian | None = None,
    by_child: bool = False,
    valid_until: datetime.date | None = None,
) -> Consent:
    """Record an answer (given, refused, withdrawn) for one child of the case's family."""
    from kansrijk.cases.models import Case

    if purpose not in Purpose.values:
        raise CaseError(_("Choose the purpose."), field="purpose")
    if status not in Consent.Status.values:
        raise CaseError(_("Choose the answer."), field="status")
    if method not in Consent.Method.values:
        raise CaseError(_("Choose how the answer was given."), field="method")
    if valid_until is not None and valid_until < timezone.localdate():
        raise CaseError(_("The end date lies in the past."), field="valid_until")
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or not can(by, Action.EDIT, case):
            raise NotFound
        if child.family_id != case.family_id:
            raise NotFound
        if status != Consent.Status.WITHDRAWN:
            _check_who_decides(child, guardian, by_child)
        consent = _write(
            child=child,
            case=case,
            purpose=purpose,
            recipient=recipient,
            status=status,
            guardian=guardian,
            by_child=by_child,
            method=method,
            by=by,
            valid_until=valid_until,
        )
        log_access(
            by=by,
            event=Event.WRITE,
            purpose="consent register",
            case_id=case.pk,
            family_id=case.family_id,
            child_id=child.pk,
            detail=f"consent {purpose} {status}",
        )
        if status != Consent.Status.GIVEN:
            from kansrijk.cases.services import contact_person_keep_in_sight

            contact_person_keep_in_sight(case=case, by=by)
    return consent


def consent_record_for_case(
    *,
    case: Case,
    by: Professional,
    answer: ConsentAnswer,
    method: str,
    guardian_id: int | None = None,
    by_child: bool = False,
    purpose: Purpose = Purpose.DISCUSS_IN_VOT,
    recipient: Organisation | None = None,
    children: list[Child] | None = None,
) -> list[Consent]:
    """The answer to the IB's question (seed 001), for every child the case is about (or
    only `children`). Runs inside the caller's transaction (the case transition)."""
    if method not in Consent.Method.values:
        raise CaseError(_("Choose how the answer was given."), field="method")
    guardian = case.family.guardians.filter(pk=guardian_id).first() if guardian_id else None
    if children is None:
        children = sorted(
            {s.child for s in case.signals.select_related("child")}, key=lambda c: c.pk
        )
    status = Consent.Status.GIVEN if answer == ConsentAnswer.GIVEN else Consent.Status.REFUSED
    if guardian is None and children and any(c.age_on(timezone.localdate()) < 16 for c in children):
        guardian = case.family.guardians.filter(parental_authority=True).order_by("id").first()
    consents = []
    for child in children:
        if answer == ConsentAnswer.GIVEN:
            _check_who_decides(
                child, guardian, by_child or child.age_on(timezone.localdate()) >= 12
            )
        consents.append(
            _write(
                child=child,
                case=case,
                purpose=purpose,
                recipient=recipient,
                status=status,
                guardian=guardian,
                by_child=by_child,
                method=method,
                by=by,
                valid_until=None,
            )
        )
    return consents


def legal_ground_record(
    *, by: Professional, case_id: int, organisation: Organisation, ground: str, explanation: str
) -> LegalGround:
    """Share without consent on a legal ground: logged, and the coordinator is told at once."""
    from kansrijk.cases.models import Case
    from kansrijk.core.models import Membership
    from kansrijk.notifications.services import notify

    if ground not in LegalGround.Ground.values:
        raise CaseError(_("Choose the legal ground."), field="ground")
    if not explanation.strip():
        raise CaseError(_("Explain why sharing without consent is necessary."), field="explanation")
    with transaction.atomic():
        case = Case.objects.filter(pk=case_id).first()
        if case is None or not can(by, Action.EDIT, case):
            raise NotFound
        record = LegalGround.objects.create(
            case=case,
            organisation=organisation,
            ground=ground,
            explanation=explanation.strip(),
            recorded_by=by,
        )
        log_access(
            by=by,
            event=Event.WRITE,
            purpose=f"disclosure on legal ground: {ground}",
            case_id=case.pk,
            family_id=case.family_id,
            detail=f"shared with {organisation.name}",
        )
        coordinators = [
            m.professional
            for m in Membership.objects.filter(
                role=Role.COORDINATOR, location=case.location_id
            ).select_related("professional")
        ]
        notify(
            to=coordinators,
            subject=_("Case %(number)s shared without consent") % {"number": case.pk},
            body=_("Legal ground: %(ground)s. Shared with %(organisation)s by %(who)s.")
            % {
                "ground": record.get_ground_display(),
                "organisation": organisation.name,
                "who": by,
            },
            url=reverse("consent:legal_grounds"),
        )
    return record


def coordinator_locations(user: Professional) -> list[int]:
    return [
        m.location_id
        for m in memberships_of(user)
        if m.role == Role.COORDINATOR and m.location_id is not None
    ]


def consent_record_for_handover(
    *,
    by: Professional,
    child: Child,
    recipient: Organisation,
    given: bool,
    method: str,
    guardian: Guardian | None = None,
) -> Consent:
    """The parents' answer on a warm handover (purpose `warm_handover`, to the receiving
    school's organisation). Runs inside the caller's transaction (early_years.services),
    which checked that `by` prepared the handover and writes the access-log entry."""
    if method not in Consent.Method.values:
        raise CaseError(_("Choose how the answer was given."), field="method")
    if guardian is None:
        guardian = child.family.guardians.filter(parental_authority=True).order_by("id").first()
    if given:
        _check_who_decides(child, guardian, False)
    return _write(
        child=child,
        case=None,
        purpose=Purpose.WARM_HANDOVER,
        recipient=recipient,
        status=Consent.Status.GIVEN if given else Consent.Status.REFUSED,
        guardian=guardian,
        by_child=False,
        method=method,
        by=by,
        valid_until=None,
    )
