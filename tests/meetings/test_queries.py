"""The meeting screen: its number of queries does not grow with the agenda."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kansrijk.meetings import services
from tests.auth import sign_in
from tests.cases.route import open_case
from tests.meetings.conftest import a_child, age_case

pytestmark = pytest.mark.django_db


def _queries(client, meeting) -> int:  # type: ignore[no-untyped-def]
    url = f"/meetings/{meeting.pk}/"
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_meeting_screen_does_not_grow_with_the_agenda(client, world, care_meeting):
    for _ in range(2):
        open_case(world, a_child(world))
    meeting = care_meeting()
    services.meeting_start(by=world.coordinator, meeting_id=meeting.pk)
    sign_in(client, world.coordinator)
    client.get(f"/meetings/{meeting.pk}/")
    few = _queries(client, meeting)
    assert meeting.items.count() == 2
    for _ in range(5):
        open_case(world, a_child(world))
    services.meeting_finish(by=world.coordinator, meeting_id=meeting.pk)
    later = care_meeting()
    services.meeting_start(by=world.coordinator, meeting_id=later.pk)
    assert later.items.count() >= 7
    # Past the time box the list to pull in appears: a fixed number of queries more.
    assert later.items.filter(on_table=False).exists()
    with_rest = _queries(client, later)
    assert with_rest <= few + 10
    for _ in range(8):
        open_case(world, a_child(world))
    services.meeting_finish(by=world.coordinator, meeting_id=later.pk)
    longer = care_meeting()
    services.meeting_start(by=world.coordinator, meeting_id=longer.pk)
    assert longer.items.filter(on_table=False).count() > later.items.filter(on_table=False).count()
    assert _queries(client, longer) == with_rest


def test_a_long_agenda_is_shown_a_page_at_a_time(client, world, care_meeting):
    """A region's care meeting holds hundreds of items (issue 17): the screen shows one page,
    numbered on from the pages before it, and its queries do not grow with the agenda.
    Stalled cases must be discussed, so all of them are on the table, over the time box."""
    from kansrijk.meetings.selectors import AGENDA_PAGE_SIZE

    for _ in range(AGENDA_PAGE_SIZE + 3):
        age_case(open_case(world, a_child(world)), days=30)
    meeting = care_meeting()
    assert meeting.items.filter(on_table=True).count() == AGENDA_PAGE_SIZE + 3
    sign_in(client, world.coordinator)
    first = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert first.count('data-testid="agenda-item"') == AGENDA_PAGE_SIZE
    assert "Pagina 1 van 2 (28 punten)" in first and 'rel="next"' in first
    assert "140 van 30 minuten gepland" in first and "zet punten apart" in first
    second = client.get(f"/meetings/{meeting.pk}/?page=2").content.decode()
    assert second.count('data-testid="agenda-item"') == 3
    assert f"<h3>{AGENDA_PAGE_SIZE + 1}. " in second and 'rel="prev"' in second
    with CaptureQueriesContext(connection) as one_page:
        client.get(f"/meetings/{meeting.pk}/?page=2")
    with CaptureQueriesContext(connection) as full_page:
        client.get(f"/meetings/{meeting.pk}/")
    assert len(full_page) == len(one_page)

    # Started, the screen opens on the running item's page; a decision returns to its page.
    services.meeting_start(by=world.coordinator, meeting_id=meeting.pk)
    last = meeting.items.order_by("-position").first()
    services.item_start(by=world.coordinator, item_id=last.pk)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f'id="item-{last.pk}"' in page and "Pagina 2 van 2" in page
    response = client.post(
        f"/meetings/items/{last.pk}/decide/", {f"item{last.pk}-decision": "Besproken"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?page=2#item-{last.pk}")


def _counted(client, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The page's queries; on SQLite the access log is chained in the request (two
    statements more), on PostgreSQL by the chainer (audit.chain), as in production."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries if '"audit_chainhead"' not in q["sql"]]


def test_the_chairs_meeting_screen_reads_at_most_15_queries(client, world, care_meeting):
    """Issue 17: the chair's screen of a long agenda: the meeting with its previous one, the
    table and its organisations, a page of items, their grants, consents (with the legal
    grounds), the children its signals are about (with those the chair signalled), signals
    and the rows after a report. While an item runs, its decision form reads who may own an
    action: one query more, still at most 15."""
    from kansrijk.meetings.selectors import AGENDA_PAGE_SIZE

    for _ in range(AGENDA_PAGE_SIZE + 3):
        age_case(open_case(world, a_child(world)), days=30)
    meeting = care_meeting()
    sign_in(client, world.coordinator)
    url = f"/meetings/{meeting.pk}/"
    client.get(url)
    planned = _counted(client, url)
    assert len(planned) <= 15, [q[:70] for q in planned]
    services.meeting_start(by=world.coordinator, meeting_id=meeting.pk)
    client.get(url)
    running = _counted(client, url)
    owners = [q for q in running if q.startswith('SELECT DISTINCT "core_professional"')]
    assert len(owners) == 1 and len(running) == len(planned) + 1
    assert len(running) <= 15, [q[:70] for q in running]
