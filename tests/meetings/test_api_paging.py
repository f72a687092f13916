"""The meetings API pages its lists as every list of the API does (limit, offset, a count):
GET /api/meetings/actions (the caller's own actions from meetings) and the agenda of
GET /api/meetings/{id} (a region's care meeting holds hundreds of items; issue 17). Each
page read is logged."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kansrijk.audit.models import AccessLogEntry
from kansrijk.meetings.models import MeetingAction
from tests.auth import sign_in
from tests.cases.route import open_case
from tests.meetings.conftest import a_child, age_case

pytestmark = pytest.mark.django_db


def _actions(world, pupil, care_meeting):  # type: ignore[no-untyped-def]
    case = open_case(world, pupil)
    meeting = care_meeting()
    item = meeting.items.get(case=case)
    start = datetime.date(2026, 12, 1)
    now = timezone.now()

    def add(owner, days, done_at=None):  # type: ignore[no-untyped-def]
        return MeetingAction.objects.create(
            meeting=meeting,
            item=item,
            case=case,
            description=f"Actie {days}",
            owner=owner,
            due_date=start + datetime.timedelta(days=days),
            done=done_at is not None,
            done_at=done_at,
            created_by=world.coordinator,
        )

    open_ones = [add(world.teacher, days) for days in range(57, 2, -1)]  # 55, latest due first
    recent = [add(world.teacher, days, now - datetime.timedelta(days=2)) for days in range(5)]
    add(world.teacher, 99, now - datetime.timedelta(days=40))  # done long ago: not listed
    add(world.director, 1)  # someone else's
    return open_ones, recent


def test_my_actions_come_a_page_at_a_time_open_ones_first(client, world, pupil, care_meeting):
    open_ones, recent = _actions(world, pupil, care_meeting)
    sign_in(client, world.teacher)
    first = client.get("/api/meetings/actions").json()
    assert (first["count"], first["limit"], first["offset"]) == (60, 50, 0)
    soonest_first = sorted(open_ones, key=lambda a: a.due_date)
    assert [a["id"] for a in first["items"]] == [a.pk for a in soonest_first][:50]
    assert first["items"][0] == {
        "id": soonest_first[0].pk,
        "description": "Actie 3",
        "owner": str(world.teacher),
        "due_date": "2026-12-04",
        "done": False,
        "meeting": soonest_first[0].meeting_id,
        "case": soonest_first[0].case_id,
    }
    rest = client.get("/api/meetings/actions?offset=50&limit=50").json()
    assert [a["id"] for a in rest["items"]] == [
        *(a.pk for a in soonest_first[50:]),
        *(a.pk for a in sorted(recent, key=lambda a: a.due_date)),
    ]
    assert all(a["done"] for a in rest["items"][5:])
    beyond = client.get("/api/meetings/actions?offset=60").json()
    assert beyond["count"] == 60 and beyond["items"] == []
    logged = AccessLogEntry.objects.filter(user=world.teacher, purpose="my actions")
    details = list(logged.order_by("id").values_list("detail", flat=True))
    assert details[0].startswith("api meeting actions offset=0 count=60 actions=")
    assert str(soonest_first[0].pk) in details[0]
    assert details[-1].endswith("count=60 actions=none")


def test_someone_else_sees_only_their_own(client, world, pupil, care_meeting):
    _actions(world, pupil, care_meeting)
    sign_in(client, world.director)
    page = client.get("/api/meetings/actions").json()
    assert page["count"] == 1 and page["items"][0]["description"] == "Actie 1"
    sign_in(client, world.coordinator)  # made them all, owns none
    assert client.get("/api/meetings/actions").json()["count"] == 0


def test_the_agenda_comes_a_page_at_a_time(client, world, care_meeting):
    for _ in range(7):
        age_case(open_case(world, a_child(world)), days=30)
    meeting = care_meeting()
    order = list(meeting.items.order_by("position", "id").values_list("pk", "case_id"))
    assert len(order) == 7
    sign_in(client, world.coordinator)
    whole = client.get(f"/api/meetings/{meeting.pk}").json()
    assert (whole["items_count"], whole["limit"], whole["offset"]) == (7, 50, 0)
    assert [item["id"] for item in whole["items"]] == [pk for pk, _case in order]
    page = client.get(f"/api/meetings/{meeting.pk}?limit=3&offset=3").json()
    assert page["items_count"] == 7 and (page["limit"], page["offset"]) == (3, 3)
    assert [item["id"] for item in page["items"]] == [pk for pk, _case in order[3:6]]
    assert page["minutes_used"] == whole["minutes_used"] == 0
    assert client.get(f"/api/meetings/{meeting.pk}?offset=7").json()["items"] == []
    detail = AccessLogEntry.objects.filter(user=world.coordinator).latest("id").detail
    assert detail == f"meeting {meeting.pk} agenda (API): cases none"
    logged = AccessLogEntry.objects.filter(user=world.coordinator, detail__contains="agenda (API)")
    second = logged.order_by("id")[1].detail
    assert second.endswith("cases " + ",".join(str(case) for _pk, case in order[3:6]))
    bad = client.get(f"/api/meetings/{meeting.pk}?limit=500")
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    sign_in(client, world.teacher)  # not at the table: the same 404 as for nothing
    assert client.get(f"/api/meetings/{meeting.pk}?limit=3").status_code == 404


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=201", "offset=-1", "offset=1000001", "limit=x", "offset=1.5"]
)
def test_bad_paging_is_a_problem_not_a_page(client, world, query):
    sign_in(client, world.teacher)
    response = client.get(f"/api/meetings/actions?{query}")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 422
