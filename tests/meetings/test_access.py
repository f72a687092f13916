"""Only the people at the table see a meeting; the rest get the same 404 as for nothing."""

from __future__ import annotations

import pytest

from kansrijk.cases.workflow import CaseState
from kansrijk.meetings.models import MeetingAction
from tests.auth import sign_in
from tests.cases.route import advance, open_case

pytestmark = pytest.mark.django_db


def test_a_teacher_cannot_open_the_care_meeting(client, world, pupil, care_meeting):
    open_case(world, pupil)
    meeting = care_meeting()
    item = meeting.items.get()
    sign_in(client, world.teacher)
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 404
    assert client.get(f"/meetings/{meeting.pk}/minutes/").status_code == 404
    assert client.get(f"/meetings/{meeting.pk}/minutes.pdf").status_code == 404
    assert client.post(f"/meetings/items/{item.pk}/decide/", {}).status_code == 404
    assert client.post(f"/meetings/{meeting.pk}/start/").status_code == 404
    assert client.get(f"/meetings/{meeting.pk + 1000}/").status_code == 404
    assert client.get("/api/meetings/").json() == []
    assert client.get(f"/api/meetings/{meeting.pk}").status_code == 404


def test_a_member_sees_but_does_not_chair(client, world, pupil, care_meeting):
    open_case(world, pupil)
    meeting = care_meeting()
    sign_in(client, world.director)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'data-testid="agenda-item"' in page and 'data-testid="start-meeting"' not in page
    client.post(f"/meetings/{meeting.pk}/start/")
    meeting.refresh_from_db()
    assert meeting.state == "planned"
    detail = client.get(f"/api/meetings/{meeting.pk}").json()
    assert detail["title"] == meeting.title and len(detail["items"]) == 1


def test_my_actions_lists_meeting_and_plan_actions_and_marks_them_done(
    client, world, pupil, care_meeting
):
    case = advance(world, open_case(world, pupil), CaseState.IN_SUPPORT)
    meeting = care_meeting()
    action = MeetingAction.objects.create(
        meeting=meeting,
        item=meeting.items.get(case=case),
        case=case,
        description="Huisbezoek",
        owner=world.teacher,
        due_date="2026-12-01",
        created_by=world.coordinator,
    )
    sign_in(client, world.teacher)
    page = client.get("/meetings/actions/").content.decode()
    assert (
        "Huisbezoek" in page and "Wekelijks gesprek met Sem" in page
    )  # plan action, tests.cases.route
    client.post(f"/meetings/actions/{action.pk}/done/", {"done": "1"})
    action.refresh_from_db()
    assert action.done
    sign_in(client, world.director)
    assert client.post(f"/meetings/actions/{action.pk}/done/", {"done": "0"}).status_code == 404
