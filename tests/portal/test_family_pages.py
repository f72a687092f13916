"""What a family member sees and does in the portal: parent of this family, parent of another
family, a parent without parental authority, a young person of 14, and anonymous visitors."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kansrijk.audit.models import AccessLogEntry, Event
from kansrijk.cases.models import Case
from kansrijk.cases.workflow import CaseState
from kansrijk.monitor.models import ExperienceResponse
from kansrijk.notifications.models import Notification
from kansrijk.portal.models import FamilySection, Message, PlanResponse
from kansrijk.safety.models import Meldcode
from tests.auth import sign_in
from tests.conftest import World
from tests.pages import page_text
from tests.portal.conftest import PortalFamily, enter
from tests.streamed import streamed_json

pytestmark = pytest.mark.django_db

FAMILY_PAGES = ["portal:home", "portal:plan", "portal:contact", "portal:messages"]


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def test_anonymous_visitors_get_404_on_every_family_page(client: Client) -> None:
    for name in [*FAMILY_PAGES, "portal:consents", "portal:inzage"]:
        assert client.get(reverse(name)).status_code == 404, name


def test_the_parent_reads_the_plan_in_family_language(client: Client, family: PortalFamily) -> None:
    page = text(enter(client, family.parent).get(reverse("portal:plan")))
    assert "Sem leest elke dag tien minuten" in page
    assert "Leesplan maken" in page
    assert "kijken we samen terug" in page
    entry = AccessLogEntry.objects.filter(guardian_id=family.parent.pk, event=Event.READ).last()
    assert (
        entry is not None and entry.case_id == family.case.pk and entry.purpose == "family portal"
    )


def test_a_parent_of_another_family_sees_only_their_own_family(
    client: Client, family: PortalFamily
) -> None:
    enter(client, family.stranger)
    for name in FAMILY_PAGES:
        page = page_text(client.get(reverse(name)))
        assert "Sem leest" not in page and "Sem" not in page, name
    plan = family.plan
    answer = client.post(
        reverse("portal:plan_section", kwargs={"plan_id": plan.pk}), {"going_well": "x"}
    )
    assert answer.status_code == 400  # their own case has no plan: nothing of Sem changes
    assert not FamilySection.objects.filter(plan=plan).exists()


def test_the_family_writes_their_part_and_the_contact_person_sees_it(
    client: Client, family: PortalFamily, world: World
) -> None:
    enter(client, family.parent)
    url = reverse("portal:plan_section", kwargs={"plan_id": family.plan.pk})
    answer = client.post(
        url,
        {"going_well": "Sem gaat graag naar school", "we_do_ourselves": "Elke avond voorlezen",
         "network_helps": "Oma haalt hem op"},
    )  # fmt: skip
    assert answer.status_code == 302
    client.post(
        reverse("portal:plan_respond", kwargs={"plan_id": family.plan.pk}), {"kind": "agreed"}
    )
    assert PlanResponse.objects.get(plan=family.plan).guardian == family.parent
    assert Notification.objects.filter(recipient=world.coach).exists()
    staff = sign_in(Client(), world.coach)
    case_page = text(staff.get(reverse("cases:case_family", kwargs={"case_id": family.case.pk})))
    assert "Oma haalt hem op" in case_page
    assert "Akkoord met het plan" in case_page


def test_a_remark_needs_words_and_keeps_what_was_typed(
    client: Client, family: PortalFamily
) -> None:
    enter(client, family.parent)
    url = reverse("portal:plan_respond", kwargs={"plan_id": family.plan.pk})
    answer = client.post(url, {"kind": "remark", "text": "   "})
    assert answer.status_code == 400
    assert "Schrijf eerst iets." in text(answer)


def test_a_parent_without_parental_authority_sees_less(
    client: Client, family: PortalFamily
) -> None:
    enter(client, family.other_parent)
    plan = text(client.get(reverse("portal:plan")))
    assert "Sem leest elke dag tien minuten" in plan
    assert "Ons deel opslaan" not in plan
    assert client.get(reverse("portal:consents")).status_code == 404
    assert client.get(reverse("portal:inzage")).status_code == 404
    answer = client.post(reverse("portal:plan_respond", kwargs={"plan_id": family.plan.pk}),
                         {"kind": "agreed"})  # fmt: skip
    assert answer.status_code == 404


def test_the_contact_person_with_organisation_and_days_at_the_centre(
    client: Client, family: PortalFamily, world: World
) -> None:
    page = text(enter(client, family.parent).get(reverse("portal:contact")))
    assert str(world.coach) in page
    assert "Stichting Kindcentra Westwijk" in page


@pytest.mark.django_db(transaction=True)  # the mails go out after the commit
def test_messages_go_both_ways_and_the_mail_carries_no_content(
    client: Client, family: PortalFamily, world: World, smtp_server: object
) -> None:
    enter(client, family.parent)
    with_commit = client.post(reverse("portal:message_send"), {"text": "Sem is ziek vandaag"})
    assert with_commit.status_code == 302
    notice = Notification.objects.get(recipient=world.coach)
    assert "Sem is ziek" not in notice.subject + notice.body
    staff = sign_in(Client(), world.coach)
    reply = staff.post(
        reverse("portal:case_reply", kwargs={"case_id": family.case.pk}),
        {"text": "Beterschap, ik bel morgen"},
    )
    assert reply.status_code == 302
    mails = [m for m in smtp_server.messages if m["To"] == "anna@example.org"]  # type: ignore[attr-defined]
    assert mails and all("Beterschap" not in m.get_payload() for m in mails)
    thread = text(client.get(reverse("portal:messages")))
    assert "Sem is ziek vandaag" in thread and "Beterschap, ik bel morgen" in thread


def test_a_young_persons_own_thread_is_not_shown_to_the_parents(
    client: Client, family: PortalFamily
) -> None:
    teen = enter(Client(), family.teen)
    teen.post(reverse("portal:message_send"), {"text": "Ik wil iets alleen vertellen"})
    assert Message.objects.get().young_person == family.teen
    assert "Ik wil iets alleen vertellen" in text(teen.get(reverse("portal:messages")))
    assert "Ik wil iets alleen vertellen" not in text(
        enter(client, family.parent).get(reverse("portal:messages"))
    )


def test_the_thread_page_costs_the_same_for_many_messages(
    client: Client, family: PortalFamily, world: World
) -> None:
    enter(client, family.parent)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("portal:messages")).status_code == 200
        return len(captured)

    Message.objects.create(case=family.case, text="1", guardian=family.parent)
    few = queries()
    Message.objects.bulk_create(
        [Message(case=family.case, text=str(n), professional=world.coach) for n in range(80)]
    )
    assert queries() == few
    assert few <= 15


def test_inzage_is_delivered_in_the_portal_without_the_safety_route(
    client: Client, family: PortalFamily, world: World, django_capture_on_commit_callbacks
) -> None:
    Meldcode.objects.create(case=family.case, started_by=world.coach)
    Message.objects.create(case=family.case, text="Hallo", guardian=family.parent)
    Message.objects.create(case=family.case, text="Alleen voor mij", young_person=family.teen)
    enter(client, family.parent)
    assert client.get(reverse("portal:inzage_download") + "?form=json").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):  # the PDF is made by a task
        client.post(reverse("portal:inzage_request"))
    answer = client.get(reverse("portal:inzage_download") + "?form=json")
    assert answer.status_code == 200
    data = streamed_json(answer)
    assert "portal.message" in data["records"]
    assert [m["text"] for m in data["records"]["portal.message"]] == ["Hallo"]
    assert not [label for label in data["records"] if label.startswith("safety.")]
    export = AccessLogEntry.objects.filter(event=Event.EXPORT).last()
    assert export is not None and export.guardian_id == family.parent.pk
    assert b"?form=pdf" in client.get(reverse("portal:inzage")).content
    pdf = client.get(reverse("portal:inzage_download") + "?form=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    made = AccessLogEntry.objects.filter(event=Event.EXPORT, detail__startswith="inzage pdf")
    assert made.get().guardian_id == family.parent.pk
    read = AccessLogEntry.objects.filter(detail__startswith="inzage pdf downloaded")
    assert read.get().guardian_id == family.parent.pk


def test_a_correction_request_goes_to_the_contact_person(
    client: Client, family: PortalFamily, world: World
) -> None:
    enter(client, family.parent)
    client.post(reverse("portal:correction_send"), {"text": "Het adres klopt niet"})
    assert Message.objects.get().kind == Message.Kind.CORRECTION
    notice = Notification.objects.get(recipient=world.coach)
    assert "verbeteren" in notice.subject


def test_the_experience_questions_after_an_evaluation_and_at_closing_feed_the_monitor(
    client: Client, family: PortalFamily, world: World
) -> None:
    from kansrijk.cases.models import Step

    enter(client, family.parent)
    assert client.get(reverse("portal:experience")).status_code == 404  # nothing to ask yet
    Step.objects.create(
        case=family.case, transition="evaluate", from_state="in_support", to_state="evaluated",
        by=world.coach, role="internal_coach",
    )  # fmt: skip
    assert "samen teruggekeken" in text(client.get(reverse("portal:home")))
    scores = {"knew_contact": 5, "listened": 4, "in_time": 3, "fitted": 4, "overall": 4}
    assert client.post(reverse("portal:experience_send"), scores).status_code == 302
    assert client.get(reverse("portal:experience")).status_code == 404  # answered
    Case.objects.filter(pk=family.case.pk).update(state=CaseState.CLOSED)
    assert "Beantwoord vijf korte vragen" in text(client.get(reverse("portal:home")))
    assert (
        client.post(reverse("portal:experience_send"), {**scores, "overall": 5}).status_code == 302
    )
    answers = ExperienceResponse.objects.filter(case=family.case).order_by("pk")
    assert [(a.moment, a.overall, a.recorded_by) for a in answers] == [
        ("evaluation", 4, None),
        ("closing", 5, None),
    ]


def test_the_contact_person_answers_a_young_person_in_their_own_thread(
    client: Client, family: PortalFamily, world: World
) -> None:
    teen = enter(client, family.teen)
    teen.post(reverse("portal:message_send"), {"text": "Mag ik je iets vragen?"})
    staff = sign_in(Client(), world.coach)
    case_url = reverse("cases:case_family", kwargs={"case_id": family.case.pk})
    assert "Alleen Lotte (eigen gesprek)" in text(staff.get(case_url))
    staff.post(
        reverse("portal:case_reply", kwargs={"case_id": family.case.pk}),
        {"text": "Natuurlijk, vertel", "young_person": family.teen.pk},
    )
    assert "Natuurlijk, vertel" in text(teen.get(reverse("portal:messages")))
    parent = enter(Client(), family.parent)
    assert "Natuurlijk, vertel" not in text(parent.get(reverse("portal:messages")))
