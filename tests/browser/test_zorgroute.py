"""A pupil's whole zorgroute in a real browser with the demo logins: signal → plan → consent →
attention list → district-team check → support → evaluation → closed, each step by the person
who takes it in the Westwijk demo (leerkracht.pwa, ib.pwa, gs.pwa)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from kansrijk.cases.models import Case
from kansrijk.demo.people import DEMO_PASSWORD, seed_people
from tests.auth import sign_in_browser
from tests.factories import ChildFactory, GuardianFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile("/login/"))


def take_step(
    page: Page,
    label: str,
    fill: dict[str, str] | None = None,
    choose: str | None = None,
    pick: str | None = None,
) -> None:
    """Open the step's panel on the case page, fill it in and submit it (`pick`: the first
    option of that list, e.g. who answered)."""
    page.locator("summary", has_text=label).click()
    panel = page.locator("details.transition[open]")
    if pick:
        panel.get_by_label(pick).select_option(index=1)
    for field_label, value in (fill or {}).items():
        panel.get_by_label(field_label).fill(value)
    if choose:
        panel.get_by_label(choose).check()
    panel.get_by_role("button", name=label).click()
    expect(page.locator(".utrecht-alert--ok")).to_contain_text("Stap gezet")


def case_tab(page: Page, name: str) -> None:
    """Open a tab of the case page (overview, journal, family, network)."""
    tabs = page.get_by_role("navigation", name="Onderdelen van de casus")
    tabs.get_by_role("link", name=name, exact=True).click()
    expect(tabs.get_by_role("link", name=name, exact=True)).to_have_attribute(
        "aria-current", "page"
    )


def test_signal_to_closure_in_the_browser(page: Page):
    westwijk = seed_people()
    teacher, coach, specialist = (westwijk.staff[u] for u in ("leerkracht.pwa", "ib.pwa", "gs.pwa"))
    pupil = ChildFactory(
        location=westwijk.centres["pwa"], given_name="Sem", family_name="Jansen", group="2"
    )
    GuardianFactory(family=pupil.family, name="Anna Jansen")

    # The teacher signals in three screens.
    sign_in_browser(page, teacher, password=DEMO_PASSWORD)
    page.get_by_role("link", name="Nieuw signaal over een leerling").click()
    page.get_by_label("Leerling", exact=True).select_option(label="Sem Jansen (groep 2)")
    page.get_by_label("Gedrag").check()
    page.get_by_label("Binnen twee weken").check()
    page.get_by_label("Wat heb je gezien?").fill("Sem is sinds de herfstvakantie stil.")
    page.get_by_role("button", name="Signaal versturen").click()
    expect(page.locator(".utrecht-alert--ok")).to_contain_text("Sem")
    log_out(page)
    case = Case.objects.get()

    # The IB makes the plan with the teacher and asks the parents' consent.
    sign_in_browser(page, coach, password=DEMO_PASSWORD)
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Plan maken").click()
    page.get_by_label("Doelen (één per regel)").fill("Sem voelt zich veilig in de klas")
    page.locator("#id_form-0-description").fill("Wekelijks gesprek met Sem")
    page.get_by_role("button", name="Plan opslaan").click()
    take_step(page, "Plan maken met de leerkracht")
    take_step(page, "Ouders toestemming vragen voor het VOT")
    take_step(page, "Ouders gaven toestemming", pick="Beantwoord door")
    expect(page.get_by_test_id("case-state")).to_have_text("Op aandachtslijst")
    log_out(page)

    # The family specialist finds the pupil on the attention list and takes over.
    sign_in_browser(page, specialist, password=DEMO_PASSWORD)
    page.get_by_role("link", name="Aandachtslijst").first.click()
    page.get_by_role("link", name=f"Casus {case.pk}").click()
    take_step(page, "Lijst nagaan bij het wijkteam", choose="Niet bekend bij het wijkteam")
    take_step(page, "Begeleiding van het gezin starten")
    expect(page.get_by_test_id("contact-person")).to_contain_text(specialist.last_name)
    case_tab(page, "Logboek")
    page.get_by_label("Hoe").select_option(label="Telefoon")
    page.get_by_label("Samenvatting").fill("Moeder gebeld, afspraak voor huisbezoek.")
    page.get_by_role("button", name="Contact vastleggen").click()
    expect(page.locator("ol.journal")).to_contain_text("Moeder gebeld, afspraak voor huisbezoek.")
    case_tab(page, "Overzicht")
    take_step(
        page, "Evalueren in het VOT", fill={"Resultaat van de evaluatie": "Sem gaat vooruit."}
    )
    take_step(page, "Afsluiten met een uitkomst", choose="Gebleven in reguliere voorziening")
    expect(page.get_by_test_id("case-state")).to_contain_text("Afgesloten")
    log_out(page)

    # The teacher sees what became of the signal.
    sign_in_browser(page, teacher, password=DEMO_PASSWORD)
    expect(page.locator("main")).to_contain_text("Afgesloten: Gebleven in reguliere voorziening")
