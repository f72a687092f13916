"""The issue's done-criterion: as the coordinator, run the weekly care meeting in the
browser from its generated agenda to the minutes PDF."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kansrijk.cases.models import Case
from kansrijk.cases.workflow import CaseState
from kansrijk.meetings.models import Meeting, MeetingAction
from tests.auth import sign_in_browser
from tests.cases.route import advance, open_case
from tests.meetings.conftest import a_child, make_series_meeting


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_coordinator_runs_the_care_meeting_from_agenda_to_minutes_pdf(page, world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.IN_SUPPORT)
    open_case(world, a_child(world))  # a new signal, without consent yet
    meeting = make_series_meeting(world)
    item = meeting.items.get(case=case)
    due = timezone.localdate() + datetime.timedelta(days=10)

    sign_in_browser(page, world.coordinator)
    page.goto("/meetings/")
    page.get_by_test_id("meetings").get_by_role("link", name=meeting.title).first.click()
    expect(page.get_by_test_id("agenda-item")).to_have_count(2)
    page.get_by_test_id("start-meeting").click()

    card = page.locator(f"#item-{item.pk}")
    prefix = f"item{item.pk}"
    card.locator(f"[name={prefix}-decision]").fill(
        "Evaluatie: het gaat beter, begeleiding loopt door"
    )
    card.locator(f"[name={prefix}-transition]").select_option("evaluate")
    card.locator(f"[name={prefix}-action_0]").fill("Ouders bellen over de evaluatie")
    card.locator(f"[name={prefix}-owner_0]").select_option(str(world.family_specialist.pk))
    card.locator(f"[name={prefix}-due_0]").fill(due.isoformat())
    card.get_by_test_id("decision-form").locator("button[type=submit]").click()
    expect(page.locator(f"#item-{item.pk}").get_by_test_id("decision")).to_contain_text(
        "het gaat beter"
    )

    page.get_by_test_id("next-item").click()
    page.get_by_test_id("next-item").click()
    page.get_by_test_id("finish-meeting").click()
    page.wait_for_url(f"**/meetings/{meeting.pk}/minutes/")
    minutes = page.get_by_test_id("minutes")
    expect(minutes).to_contain_text("het gaat beter")
    expect(minutes).to_contain_text("Ouders bellen over de evaluatie")

    with page.expect_download(timeout=60_000) as download:  # the first PDF loads WeasyPrint
        page.get_by_test_id("minutes-pdf").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    assert Case.objects.get(pk=case.pk).state == CaseState.EVALUATED
    assert MeetingAction.objects.get().owner == world.family_specialist
    assert Meeting.objects.get(pk=meeting.pk).state == Meeting.State.FINISHED
