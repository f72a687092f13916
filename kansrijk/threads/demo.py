"""Demo: a support team that informs each other in the file (gs.pwa has a message unread)."""

from __future__ import annotations

from kansrijk.cases.models import Case, CaseMember
from kansrijk.cases.workflow import CaseState
from kansrijk.core.models import Professional
from kansrijk.threads.services import thread_message_post

MESSAGES = (
    ("gs.pwa", "Ik heb moeder gebeld: ze wil graag meedenken. Ik plan een huisbezoek."),
    ("ib.pwa", "Dank je. De leerkracht ziet dat het in de klas rustiger gaat sinds maandag."),
)


def seed_threads_demo() -> None:
    people = {p.username: p for p in Professional.objects.filter(username__in=["gs.pwa", "ib.pwa"])}
    case = (
        Case.objects.filter(
            location__code="pwa", state=CaseState.IN_SUPPORT, contact_person=people["gs.pwa"]
        )
        .order_by("pk")
        .first()
    )
    if case is None:
        return
    CaseMember.objects.get_or_create(
        case=case, professional=people["ib.pwa"], defaults={"role": "internal_coach"}
    )
    for username, text in MESSAGES:
        thread_message_post(by=people[username], case_id=case.pk, text=text)
