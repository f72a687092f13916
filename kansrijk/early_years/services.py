"""What the 0–6 line writes besides the case route itself (house rule 1): a childcare signal
reaching the people who can act. Called inside `cases.services.signal_create`'s transaction."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from kansrijk.cases.models import Case, CaseMember, Signal
from kansrijk.core.models import Professional
from kansrijk.early_years.routing import ChildcareRouting


def childcare_signal_filed(
    *, by: Professional, case: Case, signal: Signal, routing: ChildcareRouting
) -> None:
    """The parents agreed that the signal goes to the CJG and the district team (asked on the
    signal form): recorded for the toddler; the receivers join the support team and are told."""
    from kansrijk.cases.workflow import ConsentAnswer
    from kansrijk.consent.models import Purpose
    from kansrijk.consent.services import consent_record_for_case
    from kansrijk.notifications.services import notify

    if not signal.safety_concern:
        consent_record_for_case(
            case=case,
            by=by,
            answer=ConsentAnswer.GIVEN,
            method="verbal",
            purpose=Purpose.SHARE_WITH_DISTRICT_TEAM,
            children=[signal.child],
        )
    told = []
    for person, role in routing.receivers:
        CaseMember.objects.get_or_create(
            case=case,
            professional=person,
            role=role,
            defaults={"reason": _("Childcare signal")},
        )
        if person != by:
            told.append(person)
    if told:
        notify(
            to=told,
            subject=_("A childcare signal about a toddler, case %(number)s") % {"number": case.pk},
            url=reverse("cases:case_detail", args=[case.pk]),
        )
