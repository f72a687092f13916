"""The minutes are made from the decisions and actions alone, on screen and as a PDF."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django.utils.html import escape

from kansrijk.audit.models import AccessLogEntry
from kansrijk.cases.workflow import CaseState
from kansrijk.meetings import services
from tests.auth import sign_in
from tests.cases.route import advance, open_case
from tests.meetings.conftest import a_child

pytestmark = pytest.mark.django_db


def test_minutes_on_screen_and_as_pdf(client, world, pupil, care_meeting):
    case = advance(world, open_case(world, pupil), CaseState.IN_SUPPORT)
    meeting = care_meeting()
    item = meeting.items.get(case=case)
    services.meeting_start(by=world.coordinator, meeting_id=meeting.pk)
    services.item_decide(
        by=world.coordinator,
        item_id=item.pk,
        decision="Evaluatie positief",
        transition="evaluate",
        actions=[
            {
                "description": "Plan bijstellen",
                "owner": world.coach,
                "due_date": timezone.localdate() + datetime.timedelta(days=14),
            }
        ],
    )
    services.meeting_finish(by=world.coordinator, meeting_id=meeting.pk)
    sign_in(client, world.director)
    page = client.get(f"/meetings/{meeting.pk}/minutes/").content.decode()
    assert (
        "Evaluatie positief" in page
        and "Plan bijstellen" in page
        and escape(str(world.coach)) in page
    )
    response = client.get(f"/meetings/{meeting.pk}/minutes.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AccessLogEntry.objects.filter(event="print", username=world.director.username).exists()


def test_the_minutes_hold_the_table_not_the_list_to_pull_in(client, world, care_meeting):
    for _ in range(7):  # 7 new signals of 5 minutes for a 30-minute box: 6 on the table
        open_case(world, a_child(world))
    meeting = care_meeting()
    table = meeting.items.filter(on_table=True).count()
    assert 0 < table < meeting.items.count()
    sign_in(client, world.coordinator)
    page = client.get(f"/meetings/{meeting.pk}/minutes/").content.decode()
    body = page.split('data-testid="minutes"')[1].split("<tbody>")[1].split("</tbody>")[0]
    rows = body.count("<tr>")
    assert rows == table
