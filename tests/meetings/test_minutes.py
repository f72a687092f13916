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


def test_the_minutes_hold_what_the_table_discussed_then_what_it_did_not(
    client, world, care_meeting
):
    for _ in range(7):  # 7 new signals of 5 minutes for a 30-minute box: 6 on the table
        open_case(world, a_child(world))
    meeting = care_meeting()
    table = list(meeting.items.filter(on_table=True).order_by("position", "id"))
    assert 3 < len(table) < meeting.items.count()
    services.meeting_start(by=world.coordinator, meeting_id=meeting.pk)  # the first one starts
    services.item_decide(by=world.coordinator, item_id=table[1].pk, decision="Afwachten")
    services.meeting_finish(by=world.coordinator, meeting_id=meeting.pk)
    sign_in(client, world.coordinator)
    page = client.get(f"/meetings/{meeting.pk}/minutes/").content.decode()
    body = page.split('data-testid="minutes"')[1].split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("<tr>") == 2 and "Afwachten" in body
    head = page.split('data-testid="minutes"')[1].split("</thead>")[0]
    assert ">Minuten</th>" in head and "Verslag" not in head  # the time spent, not "minutes"
    rest = page.split('data-testid="minutes-not-discussed">')[1].split("</p>")[0]
    assert len(rest.split("; ")) == len(table) - 2  # by label; the list to pull in is in neither
    assert f"({len(table) - 2})" in page
    pdf = client.get(f"/meetings/{meeting.pk}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_minutes_of_a_meeting_not_held_discuss_nothing(client, world, care_meeting):
    open_case(world, a_child(world))
    meeting = care_meeting()
    sign_in(client, world.coordinator)
    page = client.get(f"/meetings/{meeting.pk}/minutes/").content.decode()
    assert "Er is geen punt besproken." in page
    assert page.count('data-testid="minutes-not-discussed"') == 1
