"""In the meeting, per item: one line of decision, actions, and the case's next step taken
through the case workflow. The meeting screen keeps the time per item."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kansrijk.cases.errors import TransitionRefused
from kansrijk.cases.models import Case, Step
from kansrijk.cases.workflow import CaseState
from kansrijk.meetings import services
from kansrijk.meetings.models import Meeting, MeetingAction
from kansrijk.notifications.models import Notification
from tests.auth import sign_in
from tests.cases.route import advance, open_case
from tests.meetings.conftest import a_child

pytestmark = pytest.mark.django_db
DUE = timezone.localdate() + datetime.timedelta(days=7)


def _in_support(world, pupil, care_meeting):
    case = advance(world, open_case(world, pupil), CaseState.IN_SUPPORT)
    meeting = care_meeting()
    return case, meeting, meeting.items.get(case=case)


def test_a_decision_takes_the_step_and_makes_the_actions(world, pupil, care_meeting):
    case, _meeting, item = _in_support(world, pupil, care_meeting)
    services.item_decide(
        by=world.coordinator,
        item_id=item.pk,
        decision="Gaat goed, thuissituatie stabiel",
        transition="evaluate",
        actions=[
            {
                "description": "Terugkoppeling aan ouders",
                "owner": world.family_specialist,
                "due_date": DUE,
            }
        ],
    )
    case.refresh_from_db()
    assert case.state == CaseState.EVALUATED
    step = Step.objects.filter(case=case).order_by("-at", "-id").first()
    assert step is not None
    assert (step.transition, step.by, step.comment) == (
        "evaluate",
        world.coordinator,
        "Gaat goed, thuissituatie stabiel",
    )
    item.refresh_from_db()
    assert item.step == step and item.decision == "Gaat goed, thuissituatie stabiel"
    action = MeetingAction.objects.get()
    assert (action.owner, action.due_date, action.case) == (world.family_specialist, DUE, case)
    assert Notification.objects.filter(recipient=world.family_specialist).exists()


def test_a_refused_step_keeps_nothing_of_the_decision(world, pupil, care_meeting):
    case, _meeting, item = _in_support(world, pupil, care_meeting)
    with pytest.raises(TransitionRefused):
        services.item_decide(
            by=world.coordinator,
            item_id=item.pk,
            decision="Sluiten",
            transition="close",
            data={"outcome": "stayed_regular"},
        )
    item.refresh_from_db()
    assert item.decision == "" and Case.objects.get(pk=case.pk).state == CaseState.IN_SUPPORT


def test_the_decision_form_on_the_meeting_screen(client, world, pupil, care_meeting):
    case, meeting, item = _in_support(world, pupil, care_meeting)
    sign_in(client, world.coordinator)
    prefix = f"item{item.pk}"
    response = client.post(
        f"/meetings/items/{item.pk}/decide/",
        {
            f"{prefix}-decision": "",
            f"{prefix}-transition": "evaluate",
            f"{prefix}-action_0": "Bellen",
            f"{prefix}-owner_0": world.director.pk,
        },
    )
    assert response.status_code == 400  # no decision, no due date: kept and shown
    assert b'value="Bellen"' in response.content
    response = client.post(
        f"/meetings/items/{item.pk}/decide/",
        {
            f"{prefix}-decision": "Evaluatie: doorgaan",
            f"{prefix}-transition": "evaluate",
            f"{prefix}-action_0": "Bellen",
            f"{prefix}-owner_0": world.director.pk,
            f"{prefix}-due_0": DUE.isoformat(),
        },
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == CaseState.EVALUATED
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Evaluatie: doorgaan" in page and "Bellen" in page


def test_the_clock_keeps_time_per_item_and_in_total(world, pupil, care_meeting):

    open_case(world, a_child(world))
    _case, meeting, _item = _in_support(world, pupil, care_meeting)
    services.meeting_start(by=world.coordinator, meeting_id=meeting.pk)
    first, second = list(meeting.items.order_by("position"))
    first.refresh_from_db()
    assert first.running_since is not None
    from kansrijk.meetings.models import AgendaItem

    AgendaItem.objects.filter(pk=first.pk).update(
        running_since=timezone.now() - datetime.timedelta(minutes=7)
    )
    following = services.item_next(by=world.coordinator, meeting_id=meeting.pk)
    assert following is not None and following.pk == second.pk
    first.refresh_from_db()
    assert first.running_since is None and 7 * 60 <= first.seconds_spent < 7 * 60 + 5
    assert services.item_next(by=world.coordinator, meeting_id=meeting.pk) is None
    services.meeting_finish(by=world.coordinator, meeting_id=meeting.pk)
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.FINISHED
    from kansrijk.meetings import selectors

    box = selectors.time_box(meeting, selectors.agenda_view(meeting, world.coordinator))
    assert box.minutes == 7 and not box.over and box.budget_seconds == 30 * 60
