"""The agenda builds itself: each reason a case appears for, P1 first, the chair's order."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kansrijk.cases import services as case_services
from kansrijk.cases.models import Case
from kansrijk.cases.workflow import CaseState
from kansrijk.meetings import services
from kansrijk.meetings.models import AgendaItem, MeetingKind
from tests.auth import sign_in
from tests.cases.route import advance, open_case
from tests.meetings.conftest import a_child, age_case

Reason = AgendaItem.Reason
pytestmark = pytest.mark.django_db


def _reasons(meeting) -> dict[int, list[str]]:
    return {i.case_id: i.reasons for i in meeting.items.order_by("position")}


def test_a_new_signal_since_the_last_meeting_is_on_the_agenda(world, pupil, care_meeting):
    case = open_case(world, pupil)
    meeting = care_meeting()
    assert _reasons(meeting) == {case.pk: [Reason.NEW_SIGNAL]}


def test_an_old_quiet_case_is_stalled_and_a_fresh_quiet_one_is_not_there(
    world, pupil, care_meeting
):
    stalled = age_case(open_case(world, pupil), days=30)
    fresh = age_case(open_case(world, a_child(world)), days=10)
    reasons = _reasons(care_meeting())
    assert reasons[stalled.pk] == [Reason.STALLED]
    assert fresh.pk not in reasons


def test_an_escalation_since_the_last_meeting_is_on_the_agenda(world, pupil, care_meeting):
    case = advance(world, open_case(world, pupil), CaseState.ESCALATED)
    assert Reason.ESCALATED in _reasons(care_meeting())[case.pk]


def test_an_overdue_plan_action_puts_the_case_on_the_agenda(world, pupil, care_meeting):
    case = age_case(open_case(world, pupil), days=10)
    case_services.plan_create_version(
        by=world.coach,
        case_id=case.pk,
        summary="",
        evaluation_date=None,
        goals=["Rust"],
        actions=[
            {
                "description": "Bel moeder",
                "owner": world.teacher,
                "due_date": timezone.localdate() - datetime.timedelta(days=2),
            }
        ],
    )
    assert _reasons(care_meeting())[case.pk] == [Reason.OVERDUE_ACTION]


def test_a_passed_evaluation_date_puts_the_case_on_the_agenda(world, pupil, care_meeting):
    case = age_case(open_case(world, pupil), days=10)
    case_services.plan_create_version(
        by=world.coach,
        case_id=case.pk,
        summary="",
        evaluation_date=timezone.localdate(),
        goals=["Rust"],
        actions=[],
    )
    assert _reasons(care_meeting())[case.pk] == [Reason.EVALUATION_DUE]


def test_priority_one_comes_first_whatever_else(world, pupil, care_meeting):
    normal = open_case(world, pupil)
    safety = open_case(world, a_child(world))
    Case.objects.filter(pk=safety.pk).update(priority=Case.Priority.SAFETY)
    meeting = care_meeting()
    items = list(meeting.items.order_by("position"))
    assert [i.case_id for i in items] == [safety.pk, normal.pk]
    assert items[0].reasons == [Reason.PRIORITY_1, Reason.NEW_SIGNAL]


def test_the_vot_covers_its_schools_attention_list_only(world, pupil, care_meeting):
    on_list = advance(world, open_case(world, pupil), CaseState.ON_ATTENTION_LIST)
    just_signalled = open_case(world, a_child(world))
    meeting = care_meeting(
        kind=MeetingKind.SUPPORT_TEAM_MEETING,
        chair=world.coach,
        location=world.school,
        members=[world.swv, world.family_specialist],
    )
    reasons = _reasons(meeting)
    assert set(reasons) == {on_list.pk}
    assert Reason.NEW_ON_LIST in reasons[on_list.pk]
    assert just_signalled.pk not in reasons


def test_the_chair_reorders_and_adds_and_a_rebuild_keeps_that(world, pupil, care_meeting):
    first = open_case(world, pupil)
    second = open_case(world, a_child(world))
    quiet = age_case(open_case(world, a_child(world)), days=10)
    meeting = care_meeting()
    assert [i.case_id for i in meeting.items.order_by("position")] == [first.pk, second.pk]
    second_item = meeting.items.get(case=second)
    services.item_move(by=world.coordinator, item_id=second_item.pk, up=True)
    services.item_add(by=world.coordinator, meeting_id=meeting.pk, case_id=quiet.pk)
    services.item_add(by=world.coordinator, meeting_id=meeting.pk, topic="Rooster na de zomer")
    services.agenda_build(by=world.coordinator, meeting_id=meeting.pk)
    items = list(meeting.items.order_by("position"))
    assert [i.case_id for i in items] == [second.pk, first.pk, quiet.pk, None]
    assert items[2].reasons == [Reason.ADDED_BY_CHAIR]
    assert items[3].topic == "Rooster na de zomer"


def test_only_the_chair_changes_the_agenda(world, pupil, care_meeting):
    from kansrijk.cases.errors import CaseError, NotFound

    open_case(world, pupil)
    meeting = care_meeting()
    with pytest.raises(CaseError):
        services.item_add(by=world.director, meeting_id=meeting.pk, topic="Iets")
    with pytest.raises(NotFound):
        services.item_add(by=world.teacher, meeting_id=meeting.pk, topic="Iets")


def test_a_series_plans_its_next_meetings_at_its_rhythm(world):
    from kansrijk.meetings.models import MeetingSeries

    series = MeetingSeries.objects.create(
        kind=MeetingKind.SUPPORT_TEAM_MEETING,
        name="VOT",
        chair=world.coach,
        location=world.school,
        weekday=0,
        start_time=datetime.time(14, 0),
        every_weeks=2,
        starts_on=datetime.date(2026, 1, 5),  # a Monday
    )
    dates = services.next_dates(
        series, today=datetime.date(2026, 1, 7), until=datetime.date(2026, 2, 1)
    )
    assert dates == [datetime.date(2026, 1, 19)]  # every other Monday from 5 January
    meetings = services.meetings_plan(series_id=series.pk, today=datetime.date(2026, 1, 7))
    assert [timezone.localtime(m.starts_at).date() for m in meetings] == [
        datetime.date(2026, 1, 19)
    ]
    assert services.meetings_plan(series_id=series.pk, today=datetime.date(2026, 1, 7)) == []


def test_the_agenda_shows_the_signal_at_the_viewers_level(world, pupil, care_meeting):
    """Issue 14: the coach reads the text; a summary viewer only domain and urgency."""
    from kansrijk.meetings import selectors

    case = open_case(world, pupil)
    meeting = care_meeting()
    by_case = {
        v.item.case_id: v for v in selectors.agenda_view(meeting, world.coach) if v.item.case_id
    }
    [signal] = by_case[case.pk].signals
    assert signal.domain == "behaviour" and signal.urgency == "normal"
    if by_case[case.pk].identified:
        assert signal.description and "herfstvakantie" in signal.description
    [summary] = next(
        v for v in selectors.agenda_view(meeting, world.director) if v.item.case_id == case.pk
    ).signals
    assert summary.description is None and summary.domain == "behaviour"


def test_the_meeting_screen_answers_odd_page_numbers(client, world, pupil, care_meeting):
    """ "²" passes `str.isdigit()` and fails `int()`: the agenda's page and the list to pull
    in answer with their first page, not a 500."""
    open_case(world, pupil)
    meeting = care_meeting()
    sign_in(client, world.coordinator)
    url = reverse("meetings:meeting", args=[meeting.pk])
    for odd in ("²", "٣", "3²"):
        assert client.get(url, {"page": odd, "rest": odd}).status_code == 200
