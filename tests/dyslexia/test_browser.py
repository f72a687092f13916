"""Issue 16's done-when in a real browser with the demo logins: the school submits a dyslexia
file that misses a measurement, the gatekeeper asks for it, the school completes and
resubmits, and the gatekeeper refers the pupil to the dyslexia care provider."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kansrijk.demo.people import DEMO_PASSWORD, seed_people
from kansrijk.dyslexia import services
from kansrijk.dyslexia.models import DyslexiaFile, Status
from tests.auth import sign_in_browser
from tests.factories import ChildFactory, GuardianFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile("/login/"))


def test_missing_measurement_asked_completed_and_referred(page: Page) -> None:
    staff = seed_people().staff
    ib, gatekeeper = staff["ib.pwa"], staff["poortwachter"]
    pupil = ChildFactory(
        location=staff["ib.pwa"].memberships.get().location,
        given_name="Noor",
        family_name="Bakker",
        group="5",
    )
    GuardianFactory(family=pupil.family, name="Fatima Bakker")
    file = services.file_open(by=ib, child=pupil)
    today = timezone.localdate()
    for weeks in (60, 40):  # two of the three measurements
        services.measurement_add(
            by=ib,
            file_id=file.pk,
            measured_on=today - datetime.timedelta(weeks=weeks),
            test="dmt",
            skill="reading",
            percentile=6,
        )
    for weeks in (50, 34):
        services.support_add(
            by=ib,
            file_id=file.pk,
            started_on=today - datetime.timedelta(weeks=weeks),
            ended_on=today - datetime.timedelta(weeks=weeks - 12),
            approach="Extra leesinstructie, drie keer per week",
            minutes_per_week=60,
            result="Weinig vooruitgang",
        )
    services.exclusion_record(
        by=ib,
        file_id=file.pk,
        hearing_checked=True,
        vision_checked=True,
        iq_indication="average_or_above",
        absence="normal",
        other_causes="",
    )

    # The IB records the parents' consent and submits, one measurement short.
    sign_in_browser(page, ib, password=DEMO_PASSWORD)
    page.get_by_role("link", name="Dyslexiedossiers").click()
    page.get_by_role("link", name="Noor Bakker").click()
    page.get_by_label("Gegeven", exact=True).check()
    page.get_by_role("button", name="Leg het antwoord vast").click()
    expect(page.get_by_test_id("consent")).to_contain_text("Gegeven op")
    expect(page.locator('[data-code="measurements"]')).to_have_attribute("data-passed", "no")
    page.get_by_role("button", name="Dossier indienen").click()
    expect(page.get_by_test_id("status")).to_have_text("Ingediend")
    log_out(page)

    # The gatekeeper sees what the check misses and asks the school for it.
    sign_in_browser(page, gatekeeper, password=DEMO_PASSWORD)
    page.get_by_role("link", name="Poortwachter dyslexie").click()
    page.get_by_test_id("waiting").get_by_role("link", name="Noor Bakker").click()
    expect(page.locator('[data-code="measurements"]')).to_contain_text("Niet voldaan")
    page.get_by_label("Wat moet de school aanvullen?").fill("De derde DMT-meting ontbreekt.")
    page.get_by_role("button", name="Vraag versturen").click()
    expect(page.get_by_test_id("status")).to_have_text("Aanvulling gevraagd")
    log_out(page)

    # The IB adds the measurement, answers and resubmits.
    sign_in_browser(page, ib, password=DEMO_PASSWORD)
    page.goto(f"/dyslexie/{file.pk}/")
    expect(page.get_by_test_id("questions")).to_contain_text("De derde DMT-meting ontbreekt.")
    page.get_by_label("Datum").fill((today - datetime.timedelta(weeks=2)).isoformat())
    page.get_by_label("Lezen", exact=True).check()
    page.get_by_label("Percentiel").fill("7")
    page.get_by_role("button", name="Meting toevoegen").click()
    expect(page.locator('[data-code="measurements"]')).to_have_attribute("data-passed", "yes")
    page.get_by_label("Je antwoord").fill("De meting van deze maand is toegevoegd.")
    page.get_by_role("button", name="Beantwoord de vraag").click()
    page.get_by_role("button", name="Dossier indienen").click()
    expect(page.get_by_test_id("status")).to_have_text("Ingediend")
    log_out(page)

    # The gatekeeper refers to the dyslexia care provider.
    sign_in_browser(page, gatekeeper, password=DEMO_PASSWORD)
    page.goto(f"/dyslexie/{file.pk}/")
    page.get_by_role("link", name="Besluiten").click()
    expect(page.get_by_test_id("check")).not_to_contain_text("Niet voldaan")
    page.get_by_label("Verwijzen naar een dyslexiezorgaanbieder voor diagnostiek").check()
    page.get_by_label(re.compile("^Dyslexiezorgaanbieder")).select_option(
        label="Dyslexiezorg Rijnmond"
    )
    page.get_by_label("Gemeente die de beschikking afgeeft").select_option(
        label="Gemeente Vlaardingen"
    )
    page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.get_by_test_id("decision")).to_contain_text("Dyslexiezorg Rijnmond")
    file.refresh_from_db()
    assert file.status == Status.REFERRED
    assert DyslexiaFile.objects.get(pk=file.pk).times_submitted == 2
