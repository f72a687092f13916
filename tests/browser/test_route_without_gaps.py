"""Issue 14's whole route in a real browser with the demo logins: the teacher signals → the IB
reads what was written, plans and asks consent → consent given, the pupil on the list → the GS
finds the family known to the district team, whose worker joins and is mailed (real SMTP) →
support → evaluation → escalation to the family's own district team, which accepts the
referral on its page; the GS sees the answer."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from kansrijk.cases.models import Case, CaseMember
from kansrijk.demo.people import DEMO_PASSWORD, seed_people
from tests.auth import sign_in_browser
from tests.browser.test_zorgroute import case_tab, log_out, take_step
from tests.factories import ChildFactory, FamilyFactory, GuardianFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Sem is sinds de herfstvakantie stil en komt zonder ontbijt."


def test_the_route_without_gaps(page: Page, smtp_server):
    westwijk = seed_people()
    teacher, coach, specialist, worker = (
        westwijk.staff[u] for u in ("leerkracht.pwa", "ib.pwa", "gs.pwa", "wijkteam")
    )
    family = FamilyFactory(name="Jansen", address="Westlandseweg 12, 3131 AB Vlaardingen")
    ChildFactory(
        family=family,
        location=westwijk.centres["pwa"],
        given_name="Sem",
        family_name="Jansen",
        group="2",
    )
    GuardianFactory(family=family, name="Anna Jansen")

    sign_in_browser(page, teacher, password=DEMO_PASSWORD)
    page.get_by_role("link", name="Nieuw signaal over een leerling").click()
    page.get_by_label("Leerling", exact=True).select_option(label="Sem Jansen (groep 2)")
    page.get_by_label("Gedrag").check()
    page.get_by_label("Binnen twee weken").check()
    page.get_by_label("Wat heb je gezien?").fill(TEXT)
    page.get_by_role("button", name="Signaal versturen").click()
    expect(page.locator(".utrecht-alert--ok")).to_contain_text("Sem")
    log_out(page)
    case = Case.objects.get(family=family)

    # The IB reads what the teacher wrote, plans and asks consent.
    sign_in_browser(page, coach, password=DEMO_PASSWORD)
    page.goto(f"/cases/{case.pk}/")
    expect(page.locator("main")).to_contain_text(TEXT)
    page.get_by_role("link", name="Plan maken").click()
    page.get_by_label("Doelen (één per regel)").fill("Sem voelt zich veilig in de klas")
    page.get_by_role("button", name="Plan opslaan").click()
    take_step(page, "Plan maken met de leerkracht")
    take_step(page, "Ouders toestemming vragen voor het VOT")
    take_step(page, "Ouders gaven toestemming", pick="Beantwoord door")
    expect(page.get_by_test_id("case-state")).to_have_text("Op aandachtslijst")
    log_out(page)

    # The GS finds the family known to the district team: its worker joins and is mailed.
    sign_in_browser(page, specialist, password=DEMO_PASSWORD)
    page.get_by_role("link", name="Aandachtslijst").first.click()
    page.get_by_role("link", name=f"Casus {case.pk}").click()
    page.locator("summary", has_text="Lijst nagaan bij het wijkteam").click()
    panel = page.locator("details.transition[open]")
    panel.get_by_label("Al bekend").check()
    panel.get_by_label("Bekend bij welk wijkteam").select_option(label="Wijkteam Vlaardingen")
    panel.get_by_label("Welke medewerker van dat wijkteam").select_option(
        label=f"{worker.get_full_name()} (Wijkteam Vlaardingen)"
    )
    panel.get_by_label("Aanpak afgesproken met die medewerker").fill(
        "Het wijkteam neemt school mee in de huisbezoeken."
    )
    panel.get_by_role("button", name="Lijst nagaan bij het wijkteam").click()
    expect(page.locator(".utrecht-alert--ok")).to_contain_text("Stap gezet")
    assert CaseMember.objects.filter(case=case, professional=worker).exists()
    expect(page.locator("main")).to_contain_text("Het wijkteam neemt school mee")  # the plan
    assert worker.email in [m["To"] for m in smtp_server.messages]

    take_step(page, "Begeleiding van het gezin starten")
    take_step(page, "Evalueren in het VOT", fill={"Resultaat van de evaluatie": "Meer hulp nodig."})
    page.locator("summary", has_text="Opschalen met een plan op maat").click()
    panel = page.locator("details.transition[open]")
    panel.get_by_label("Opschalen naar").select_option(value="district_team")
    panel.get_by_label("Plan op maat: wat is het doel?").fill("Het wijkteam ondersteunt thuis.")
    panel.get_by_label("Toestemming van de ouders voor de verwijzing").select_option(index=1)
    panel.get_by_role("button", name="Opschalen met een plan op maat").click()
    expect(page.locator(".utrecht-alert--ok")).to_contain_text("Stap gezet")
    log_out(page)

    # The family's district team accepts the referral on its page.
    sign_in_browser(page, worker, password=DEMO_PASSWORD)
    page.get_by_role("link", name="Verwijzingen").click()
    row = page.get_by_test_id(re.compile("^referral-"))
    expect(row).to_contain_text(f"Casus {case.pk}")
    row.get_by_role("link", name="Verwijzing beantwoorden").click()  # its form, opened
    form = page.get_by_test_id(re.compile("^referral-"))
    form.get_by_label("Accepteren: ik pak deze casus op").check()
    form.get_by_role("button", name="Antwoord versturen").click()
    expect(page.locator(".utrecht-alert--ok")).to_contain_text("geaccepteerd")
    log_out(page)

    sign_in_browser(page, specialist, password=DEMO_PASSWORD)
    page.goto(f"/cases/{case.pk}/")
    case_tab(page, "Netwerk")
    expect(page.get_by_test_id("referral")).to_contain_text("Geaccepteerd")
