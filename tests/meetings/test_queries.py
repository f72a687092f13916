"""The meeting screen: its number of queries does not grow with the agenda."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kansrijk.meetings import services
from tests.auth import sign_in
from tests.cases.route import open_case
from tests.meetings.conftest import a_child

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
    assert _queries(client, later) == few
