"""Owners hear of their actions: a mail when they become owner, and reminders before and
after the due date, sent by the daily task to a real SMTP server."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kansrijk.cases import services as case_services
from kansrijk.cases.workflow import CaseState
from kansrijk.meetings import services
from kansrijk.meetings.models import MeetingAction
from kansrijk.meetings.tasks import send_action_reminders
from kansrijk.notifications.models import Notification
from tests.cases.route import advance, open_case

TODAY = timezone.localdate()


@pytest.mark.django_db(transaction=True)
def test_the_new_owner_of_an_action_gets_a_mail(world, pupil, care_meeting, smtp_server):
    case = advance(world, open_case(world, pupil), CaseState.IN_SUPPORT)
    meeting = care_meeting()
    item = meeting.items.get(case=case)
    smtp_server.messages.clear()
    services.item_decide(
        by=world.coordinator,
        item_id=item.pk,
        decision="Huisbezoek plannen",
        actions=[
            {
                "description": "Huisbezoek plannen",
                "owner": world.family_specialist,
                "due_date": TODAY + datetime.timedelta(days=5),
            }
        ],
    )
    mails = [m for m in smtp_server.messages if m["To"] == world.family_specialist.email]
    assert len(mails) == 1
    assert "/meetings/actions/" in mails[0].get_payload()


@pytest.mark.django_db(transaction=True)
def test_reminders_before_and_after_the_due_date_reach_the_owner_once(
    world, pupil, care_meeting, smtp_server
):
    case = advance(world, open_case(world, pupil), CaseState.IN_SUPPORT)
    meeting = care_meeting()
    item = meeting.items.get(case=case)
    soon = MeetingAction.objects.create(
        meeting=meeting,
        item=item,
        case=case,
        description="Verslag sturen",
        owner=world.director,
        due_date=TODAY + datetime.timedelta(days=2),
        created_by=world.coordinator,
    )
    MeetingAction.objects.create(
        meeting=meeting,
        item=item,
        case=case,
        description="School bellen",
        owner=world.swv,
        due_date=TODAY - datetime.timedelta(days=1),
        created_by=world.coordinator,
    )
    MeetingAction.objects.create(
        meeting=meeting,
        item=item,
        case=case,
        description="Later",
        owner=world.nurse,
        due_date=TODAY + datetime.timedelta(days=20),
        created_by=world.coordinator,
    )
    case_services.plan_create_version(
        by=world.coach,
        case_id=case.pk,
        summary="",
        evaluation_date=None,
        goals=["Rust"],
        actions=[
            {
                "description": "Gesprek met Sem",
                "owner": world.teacher,
                "due_date": TODAY + datetime.timedelta(days=1),
            }
        ],
    )
    smtp_server.messages.clear()
    result = send_action_reminders.enqueue()
    assert result.return_value == 3
    to = sorted(m["To"] for m in smtp_server.messages)
    assert to == sorted([world.director.email, world.swv.email, world.teacher.email])
    assert all("Kansrijk" in m["Subject"] for m in smtp_server.messages)
    assert Notification.objects.filter(recipient=world.director).count() == 1  # in the app too

    smtp_server.messages.clear()
    assert send_action_reminders.enqueue().return_value == 0  # never twice
    assert smtp_server.messages == []

    services.action_set_done(by=world.director, action_id=soon.pk, done=True)
    # Three days on: only the teacher's plan action is newly overdue; the done one is quiet.
    assert services.reminders_send(today=TODAY + datetime.timedelta(days=3)) == 1
