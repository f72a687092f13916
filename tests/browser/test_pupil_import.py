"""The IB of IKC De Schakel imports the demo's sample CSV in a real browser: menu, upload,
preview with the rows that have problems, confirm."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kansrijk.cases.models import Child
from kansrijk.demo.people import DEMO_PASSWORD, seed_people
from tests.auth import sign_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "leerlingen-schakel.csv"


def test_coach_imports_the_sample_file(page: Page):
    westwijk = seed_people()
    coach = westwijk.staff["ib.schakel"]
    sign_in_browser(page, coach, password=DEMO_PASSWORD)
    page.get_by_role("link", name="Leerlingen importeren").click()
    page.get_by_role("link", name=westwijk.centres["schakel"].name).click()
    page.get_by_label("Bestand uit de leerlingadministratie").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Voorbeeld tonen").click()
    expect(page).to_have_url(re.compile("/import/pupils/preview/"))
    expect(page.get_by_test_id("error-row")).to_have_count(10)
    expect(page.get_by_test_id("error-row").first).to_contain_text("elfproef")
    new = int(page.get_by_test_id("count-new").inner_text())
    assert new > 150 and Child.objects.count() == 0
    page.get_by_test_id("confirm").click()
    expect(page.locator(".utrecht-alert--ok")).to_contain_text(f"{new} nieuwe leerlingen")
    assert Child.objects.filter(location=westwijk.centres["schakel"]).count() == new
