"""The screenshots in docs/screenshots/, made from the Westwijk demo in headless Chromium.

Run with KANSRIJK_SCREENSHOTS=1 to write them (docs/screenshots.md lists them); without it the
same pages are only opened and checked for what the screenshots are meant to show.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from kansrijk.core.models import Professional
from kansrijk.demo.people import DEMO_PASSWORD
from kansrijk.demo.westwijk import seed_westwijk
from tests.auth import sign_in_browser
from tests.halves import sqlite_half_only

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), sqlite_half_only]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def as_person(browser: Any, live_server: Any, username: str, viewport: dict[str, int]) -> Page:
    context = browser.new_context(locale="nl-NL", base_url=live_server.url, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(30_000)
    sign_in_browser(page, Professional.objects.get(username=username), password=DEMO_PASSWORD)
    return page


def shoot(page: Page, name: str, *, full_page: bool = False) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{name}: {width} px wide"  # type: ignore[index]
    if os.environ.get("KANSRIJK_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def test_screenshots_of_the_fixed_pages(browser: Any, live_server: Any) -> None:
    seed_westwijk(today=timezone.localdate())

    teacher = as_person(browser, live_server, "leerkracht.pwa", PHONE)
    teacher.goto("/")
    button = teacher.get_by_role("link", name="Nieuw signaal over een leerling")
    assert button.evaluate("a => getComputedStyle(a).color") == "rgb(255, 255, 255)"
    shoot(teacher, "teacher-landing-375", full_page=True)
    button.click()
    teacher.wait_for_url(re.compile("/signal"))
    invalid_borders = teacher.eval_on_selector_all(
        "input:not([type=hidden]), select, textarea",
        "els => els.filter(e => getComputedStyle(e).borderTopColor === 'rgb(153, 0, 0)').length",
    )
    assert invalid_borders == 0
    shoot(teacher, "signal-form-375", full_page=True)
    teacher.context.close()

    specialist = as_person(browser, live_server, "gs.pwa", PHONE)
    specialist.goto("/")
    hrefs = specialist.eval_on_selector_all(
        "main a[href^='/cases/']", "els => els.map(e => e.getAttribute('href'))"
    )
    case_page = next(h for h in hrefs if re.fullmatch(r"/cases/\d+/", h))
    specialist.locator(f"main a[href='{case_page}']").first.click()
    specialist.wait_for_url(re.compile(r"/cases/\d+/$"))
    shoot(specialist, "gs-case-375", full_page=True)
    specialist.context.close()

    officer = as_person(browser, live_server, "beleid", DESKTOP)
    officer.goto("/monitor/")
    assert officer.get_by_role("heading", name="Kerncijfers").is_visible()
    shoot(officer, "monitor-first-screen")
    officer.context.close()
