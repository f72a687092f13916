"""The attention app's part of the Westwijk demo: on each centre's list the SWV specialist has
set reason and need for the first pupils, one pupil left the list with a reason, and one case
in support has an agreement about school whose review is due (so it is on the care meeting's
agenda). Runs through the services, like a user would."""

from __future__ import annotations

import datetime

from django.utils import timezone

from kansrijk.attention import services
from kansrijk.attention.models import AttentionEntry, Need, SchoolAgreement
from kansrijk.cases.models import Case
from kansrijk.cases.states import CaseState
from kansrijk.core.models import Location, Professional

CENTRES = ("pwa", "schakel", "wereldwijzer")
REASONS = (
    ("Thuis veel onrust; concentratie in de klas wisselt", Need.BOTH),
    ("Leesachterstand, ouders vragen hulp bij huiswerk", Need.EDUCATION),
    ("Vader is ernstig ziek", Need.CARE),
)


def seed_attention_demo() -> dict[str, int]:
    made = {"needs": 0, "removed": 0, "agreements": 0}
    swv = Professional.objects.filter(username="swv").first()
    for code in CENTRES:
        location = Location.objects.filter(code=code).first()
        ib = Professional.objects.filter(username=f"ib.{code}").first()
        if location is None or swv is None or ib is None:
            continue
        entries = list(
            AttentionEntry.objects.filter(location=location, removed_at__isnull=True)
            .exclude(case__state=CaseState.CLOSED)
            .order_by("id")[:4]
        )
        for entry, (reason, need) in zip(entries, REASONS, strict=False):
            services.entry_need(by=swv, entry_id=entry.pk, need=need, reason=reason)
            made["needs"] += 1
        if len(entries) > 3:
            services.entry_remove(
                by=ib, entry_id=entries[3].pk, reason="Gaat weer goed; school volgt zelf"
            )
            made["removed"] += 1
        case = (
            Case.objects.filter(location=location, state=CaseState.IN_SUPPORT)
            .exclude(school_agreements__isnull=False)
            .order_by("id")
            .first()
        )
        gs = case.contact_person if case is not None else None
        if case is not None and gs is not None:
            agreement = services.agreement_make(
                by=gs,
                case_id=case.pk,
                hours_per_week=12,
                guided_by="De IB-er, met moeder erbij",
                parents_present=True,
                review_on=timezone.localdate(),
            )
            SchoolAgreement.objects.filter(pk=agreement.pk).update(
                made_at=timezone.now() - datetime.timedelta(days=21)
            )
            made["agreements"] += 1
    return made
