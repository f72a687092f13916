"""The support team's thread (seed 001: VOT members inform each other): who may read and
write it, who is told, unread counts, the access log, the inzage and a bounded page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kansrijk.audit.models import AccessLogEntry, Event
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.models import Case, CaseMember
from kansrijk.cases.workflow import CaseState
from kansrijk.notifications.models import Notification
from kansrijk.privacy.inzage import inzage_export
from kansrijk.threads import services
from kansrijk.threads.models import ThreadMessage
from kansrijk.threads.selectors import PAGE_SIZE, team_of, unread_counts
from tests.auth import sign_in
from tests.cases.route import advance, open_case
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world: World, pupil) -> Case:  # type: ignore[no-untyped-def]
    """Sem's family in support: the GS is the contact person, the IB and the SWV specialist
    are on the support team, the community officer too (who reads summaries only)."""
    case = advance(world, open_case(world, pupil), CaseState.IN_SUPPORT)
    for person, role in ((world.coach, "internal_coach"), (world.swv, "education_specialist")):
        CaseMember.objects.get_or_create(case=case, professional=person, role=role)
    CaseMember.objects.create(case=case, professional=world.officer, role="community_officer")
    return Case.objects.get(pk=case.pk)


def test_the_team_is_who_reads_the_file(world: World, case: Case) -> None:
    team = team_of(case)
    assert world.family_specialist in team
    assert world.coach in team and world.swv in team
    assert world.officer not in team  # summary only: never told what the team discusses
    assert world.teacher not in team


def test_a_message_tells_the_others_without_its_text(world: World, case: Case) -> None:
    message = services.thread_message_post(
        by=world.coach, case_id=case.pk, text="Moeder vraagt hulp bij het huiswerk."
    )
    assert message.author == world.coach and message.author_role == "internal_coach"
    told = Notification.objects.filter(url=f"/cases/{case.pk}/thread/")
    assert {n.recipient for n in told} == {world.family_specialist, world.swv}
    assert all("huiswerk" not in n.subject + n.body for n in told)
    entry = AccessLogEntry.objects.filter(event=Event.WRITE, case_id=case.pk).latest("id")
    assert entry.detail == f"thread message {message.pk}" and entry.username == "ib"


def test_unread_counts_until_the_thread_is_opened(client: Client, world: World, case: Case) -> None:
    services.thread_message_post(by=world.coach, case_id=case.pk, text="Eerste bericht")
    services.thread_message_post(by=world.swv, case_id=case.pk, text="Tweede bericht")
    assert unread_counts(world.family_specialist, [case.pk]) == {case.pk: 2}
    assert unread_counts(world.coach, [case.pk]) == {case.pk: 1}
    sign_in(client, world.family_specialist)
    my_work = client.get("/").content.decode()
    assert "2 ongelezen" in my_work
    assert "2 ongelezen" in client.get(f"/cases/{case.pk}/network/").content.decode()
    assert 'Meldingen <span class="badge badge--p2">2<' in my_work  # the menu's count
    page = client.get(f"/cases/{case.pk}/thread/").content.decode()
    assert "Eerste bericht" in page and "Tweede bericht" in page
    assert 'Meldingen <span class="badge' not in page  # read by this very page
    assert unread_counts(world.family_specialist, [case.pk]) == {}
    assert 'data-testid="unread-threads"' not in client.get("/").content.decode()
    read = AccessLogEntry.objects.filter(event=Event.READ, case_id=case.pk).latest("id")
    assert read.detail == "thread page 1" and read.username == "gs"


def test_who_may_not_read_the_file_gets_404(client: Client, world: World, case: Case) -> None:
    services.thread_message_post(by=world.coach, case_id=case.pk, text="Alleen voor het team")
    for person in (world.officer, world.teacher, world.other_coach, world.policy_officer):
        sign_in(client, person)
        assert client.get(f"/cases/{case.pk}/thread/").status_code == 404
        response = client.post(f"/cases/{case.pk}/thread/messages/", {"text": "x"})
        assert response.status_code == 404
        assert "Alleen voor het team" not in client.get("/").content.decode()
    with pytest.raises(NotFound):
        services.thread_message_post(by=world.officer, case_id=case.pk, text="x")
    assert ThreadMessage.objects.count() == 1


def test_an_empty_message_is_refused_and_what_was_typed_is_kept(
    client: Client, world: World, case: Case
) -> None:
    sign_in(client, world.family_specialist)
    response = client.post(f"/cases/{case.pk}/thread/messages/", {"text": "   "})
    assert response.status_code == 400
    assert "Een bericht mag niet leeg zijn." in response.content.decode()
    long_text = "a" * (services.MAX_LENGTH + 1)
    response = client.post(f"/cases/{case.pk}/thread/messages/", {"text": long_text})
    assert response.status_code == 400 and long_text in response.content.decode()
    assert ThreadMessage.objects.count() == 0


def test_a_closed_case_keeps_its_thread_but_takes_no_new_message(world: World, case: Case) -> None:
    services.thread_message_post(by=world.coach, case_id=case.pk, text="Afgerond")
    Case.objects.filter(pk=case.pk).update(state=CaseState.CLOSED)
    with pytest.raises(CaseError):
        services.thread_message_post(by=world.coach, case_id=case.pk, text="Nog iets")


def test_the_thread_is_in_the_familys_inzage(world: World, case: Case) -> None:
    services.thread_message_post(by=world.coach, case_id=case.pk, text="Vader belt morgen.")
    inzage = inzage_export(by=world.family_specialist, family_id=case.family_id)
    rows = inzage.sections["threads.threadmessage"].rows
    assert [row["text"] for row in rows] == ["Vader belt morgen."]


def test_the_thread_page_is_paged_and_bounded(client: Client, world: World, case: Case) -> None:
    sign_in(client, world.family_specialist)
    url = f"/cases/{case.pk}/thread/"

    def write(n: int) -> None:
        ThreadMessage.objects.bulk_create(
            ThreadMessage(case=case, author=world.coach, author_role="internal_coach", text=f"m{i}")
            for i in range(n)
        )

    write(2)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    write(PAGE_SIZE * 2)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count("<li><strong>") == PAGE_SIZE
    assert len(many) == len(few)
    assert len(many) <= 15, "\n".join(q["sql"][:90] for q in many.captured_queries)
