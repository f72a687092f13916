"""Issue 16's done-when in a real browser: three months before the municipality's decision
ends the daily task warns the special school, and the school's IB renews the integrated
arrangement from the warning; the renewal is on the school's support-team agenda."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kansrijk.meetings.models import AgendaItem, MeetingKind
from kansrijk.meetings.services import series_create
from kansrijk.special_education import services
from kansrijk.special_education.models import Arrangement
from tests.auth import sign_in_browser
from tests.special_education.test_services import activate, complete
from tests.special_education.world import special_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_special_school_renews_an_arrangement_after_the_warning(page: Page) -> None:
    sp = special_world()
    today = timezone.localdate()
    series_create(
        by=sp.coach,
        kind=MeetingKind.SUPPORT_TEAM_MEETING,
        name="VOT SBO De Brug",
        location=sp.school,
        weekday=today.weekday(),
        start_time=datetime.time(23, 59),
        every_weeks=1,
        duration_minutes=60,
        members=[sp.director],
    )
    arrangement = activate(sp, complete(sp, decision_end=today + datetime.timedelta(days=75)))
    assert services.renewals_warn() == 1  # the daily task
    assert AgendaItem.objects.filter(meeting__location=sp.school, case__isnull=True).exists()

    sign_in_browser(page, sp.coach)
    page.goto("/notifications/")
    page.get_by_role(
        "link", name=re.compile(f"Integraal arrangement {arrangement.pk} loopt af")
    ).click()
    expect(page.get_by_test_id("state")).to_have_text("Toe aan verlenging")
    expect(page.get_by_test_id("renewal-due")).to_be_visible()
    page.get_by_role("link", name="Verlengen").click()

    # A decision that ends before the current one is refused; what was typed stays.
    page.get_by_label("Nummer van de nieuwe beschikking").fill("BES-2027-0099")
    page.get_by_label("Nieuwe beschikking geldig vanaf").fill(
        (today + datetime.timedelta(days=76)).isoformat()
    )
    page.get_by_label("Nieuwe beschikking geldig tot en met").fill(
        (today + datetime.timedelta(days=20)).isoformat()
    )
    page.get_by_label("Volgende gezamenlijke evaluatiedatum").fill(
        (today + datetime.timedelta(days=100)).isoformat()
    )
    page.get_by_role("button", name="Verlengen").click()
    expect(page.locator(".error").first).to_be_visible()
    expect(page.get_by_label("Nummer van de nieuwe beschikking")).to_have_value("BES-2027-0099")

    new_end = today + datetime.timedelta(days=76 + 365)
    page.get_by_label("Nieuwe beschikking geldig tot en met").fill(new_end.isoformat())
    page.get_by_role("button", name="Verlengen").click()
    expect(page.get_by_test_id("state")).to_have_text("Verlengd")
    expect(page.get_by_test_id("decision-number")).to_have_text("BES-2027-0099")
    arrangement.refresh_from_db()
    assert arrangement.state == Arrangement.State.RENEWED and arrangement.decision_end == new_end
