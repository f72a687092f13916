"""The time-boxed agenda (issue 19): what must be discussed is on the table first with its
minutes, the time left goes to the rest in order, and the remainder waits to be pulled in."""

from __future__ import annotations

import re

import pytest

from kansrijk.cases.errors import CaseError
from kansrijk.cases.models import Case
from kansrijk.meetings import services
from kansrijk.meetings.models import AgendaItem
from tests.auth import sign_in
from tests.cases.route import open_case
from tests.meetings.conftest import a_child, age_case

pytestmark = pytest.mark.django_db
Reason = AgendaItem.Reason


def test_must_discuss_first_then_what_fits_and_the_rest_to_pull_in(client, world, care_meeting):
    news = [open_case(world, a_child(world)) for _ in range(7)]  # 7 x 5 min, 30 min box
    stalled = age_case(open_case(world, a_child(world)), days=30)
    p1 = open_case(world, a_child(world))
    Case.objects.filter(pk=p1.pk).update(priority=Case.Priority.SAFETY)
    meeting = care_meeting()
    items = list(meeting.items.order_by("position"))
    table = [i for i in items if i.on_table]
    rest = [i for i in items if not i.on_table]
    # P1 (10 min) and the stalled case (5) first; 15 minutes left for three new signals.
    assert [i.case_id for i in table[:2]] == [p1.pk, stalled.pk]
    assert [i.allotted_minutes for i in table] == [10, 5, 5, 5, 5]
    assert len(rest) == 4 and {i.case_id for i in rest} <= {c.pk for c in news}
    assert items == table + rest  # the table comes first in the agenda's order

    sign_in(client, world.coordinator)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Aan tafel: 5 punten, 30 van 30 minuten gepland." in page
    assert "Gepland om 09:00, 10 min" in page and "Gepland om 09:10, 5 min" in page
    assert "Om erbij te nemen: 4 punten" in page
    # The list to pull in is closed until asked for: its count, and a link that opens it.
    assert 'data-testid="rest-item"' not in page
    assert 'href="?rest=1#rest" data-testid="show-rest"' in page
    shown = client.get(f"/meetings/{meeting.pk}/", {"rest": 1}).content.decode()
    assert shown.count('data-testid="rest-item"') == 4
    assert "Om erbij te nemen: 4 punten" in shown and 'data-testid="show-rest"' not in shown
    assert {int(pk) for pk in re.findall(r'data-testid="rest-item" data-item="(\d+)"', shown)} == {
        i.pk for i in rest
    }
    # No decision form is loaded before an item is opened or discussed.
    assert 'data-testid="decision-form"' not in page
    opened = client.get(f"/meetings/{meeting.pk}/?open={table[0].pk}").content.decode()
    assert opened.count('data-testid="decision-form"') == 1


def test_the_chair_pulls_in_and_puts_aside_and_a_rebuild_keeps_it(client, world, care_meeting):
    for _ in range(7):
        open_case(world, a_child(world))
    meeting = care_meeting()
    waiting = meeting.items.filter(on_table=False).order_by("position").first()
    first = meeting.items.filter(on_table=True).order_by("position").first()
    sign_in(client, world.coordinator)
    response = client.post(f"/meetings/items/{waiting.pk}/place/", {"place": "table"})
    assert response.status_code == 302
    aside = client.post(f"/meetings/items/{first.pk}/place/", {"place": "aside"})
    # Back on the agenda with the list to pull in open, where the item put aside now is.
    assert aside["Location"] == f"/meetings/{meeting.pk}/?rest=1#item-{first.pk}"
    back = client.get(aside["Location"]).content.decode()
    assert f'data-testid="rest-item" data-item="{first.pk}"' in back
    services.agenda_build(by=world.coordinator, meeting_id=meeting.pk)
    waiting.refresh_from_db()
    first.refresh_from_db()
    assert waiting.on_table and waiting.placed_by_chair
    assert not first.on_table
    table = list(meeting.items.filter(on_table=True).order_by("position"))
    # Pulled in at the end of the table; the time freed by the item put aside went to the
    # next item waiting.
    assert waiting in table and table.index(waiting) >= len(table) - 2
    assert sum(i.allotted_minutes for i in table) <= meeting.duration_minutes

    # The running meeting goes through the table only; an item aside cannot be started.
    services.meeting_start(by=world.coordinator, meeting_id=meeting.pk)
    seen = [meeting.items.get(running_since__isnull=False).pk]
    while (
        following := services.item_next(by=world.coordinator, meeting_id=meeting.pk)
    ) is not None:
        seen.append(following.pk)
    assert seen == [i.pk for i in table]
    with pytest.raises(CaseError):
        services.item_start(by=world.coordinator, item_id=first.pk)


def test_the_running_meeting_shows_one_item_at_a_time(client, world, care_meeting):
    for _ in range(3):
        open_case(world, a_child(world))
    meeting = care_meeting()
    services.meeting_start(by=world.coordinator, meeting_id=meeting.pk)
    sign_in(client, world.coordinator)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert page.count('data-testid="agenda-item"') == 3
    assert page.count("agenda-item--compact") == 2
    assert page.count('data-testid="decision-form"') == 1
    assert page.count('data-testid="signals"') <= 1


def test_an_item_that_was_discussed_stays_on_the_table(world, care_meeting):
    open_case(world, a_child(world))
    meeting = care_meeting()
    services.meeting_start(by=world.coordinator, meeting_id=meeting.pk)
    running = meeting.items.get()
    with pytest.raises(CaseError):
        services.item_place(by=world.coordinator, item_id=running.pk, on_table=False)
