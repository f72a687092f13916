"""The personal calendar feed: valid RFC 5545 with meetings and action due dates, behind a
secret token that can be revoked (the roster's token mechanism)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from kansrijk.meetings.models import MeetingAction
from kansrijk.roster.models import FeedToken
from tests.auth import sign_in
from tests.cases.route import open_case

pytestmark = pytest.mark.django_db


def test_the_feed_lists_meetings_and_due_dates_and_dies_when_revoked(
    client, world, pupil, care_meeting
):
    case = open_case(world, pupil)
    meeting = care_meeting()
    MeetingAction.objects.create(
        meeting=meeting,
        item=meeting.items.get(case=case),
        case=case,
        description="Bel Sem's moeder",
        owner=world.coordinator,
        due_date=timezone.localdate() + datetime.timedelta(days=3),
        created_by=world.coordinator,
    )
    sign_in(client, world.coordinator)
    assert client.post("/meetings/calendar/new/").status_code == 302
    token = FeedToken.objects.get(professional=world.coordinator, revoked_at__isnull=True)
    page = client.get("/meetings/calendar/").content.decode()
    assert f"/meetings/feed/{token.token}.ics" in page

    anonymous = Client()
    response = anonymous.get(f"/meetings/feed/{token.token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert f"meeting-{meeting.pk}@kansrijk" in events
    start = events[f"meeting-{meeting.pk}@kansrijk"].decoded("dtstart")
    assert start == meeting.starts_at
    due = [e for uid, e in events.items() if uid.startswith("meeting-action-")]
    assert len(due) == 1 and due[0].decoded("dtstart") == timezone.localdate() + datetime.timedelta(
        days=3
    )
    assert b"Sem" not in response.content  # no case content outside the login
    assert calendar.walk("VTIMEZONE")  # times carry their zone (RFC 5545 3.6.5)

    client.post(f"/meetings/calendar/{token.pk}/revoke/")
    assert anonymous.get(f"/meetings/feed/{token.token}.ics").status_code == 404
    assert anonymous.get("/meetings/feed/not-a-token.ics").status_code == 404


def test_nobody_revokes_someone_elses_feed(client, world):
    token = FeedToken.objects.create(professional=world.director)
    sign_in(client, world.coordinator)
    assert client.post(f"/meetings/calendar/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
