"""Issue 12's done-when in a real browser with the demo logins: a childcare worker's signal
reaches the GS, the older sibling's teacher joins the one family case the IB sees, and the
mentor's warm handover reaches the receiving IB once the parents consented."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kansrijk.cases.models import Case
from kansrijk.demo.people import DEMO_PASSWORD, seed_people
from tests.auth import sign_in_browser
from tests.factories import ChildFactory, GuardianFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile("/login/"))


def file_signal(page: Page, child_pk: int, domain: str, text: str, *, childcare: bool) -> None:
    page.goto("/signals/new/")
    page.get_by_label("Leerling", exact=True).select_option(value=str(child_pk))
    page.get_by_label(domain).check()
    page.get_by_label("Binnen twee weken").check()
    page.get_by_label("Wat heb je gezien?").fill(text)
    if childcare:
        page.get_by_label("De ouders weten van dit signaal").check()
    page.get_by_role("button", name="Signaal versturen").click()
    expect(page.locator(".utrecht-alert--ok")).to_be_visible()


def test_childcare_signal_family_case_and_warm_handover(page: Page) -> None:
    westwijk = seed_people()
    staff = westwijk.staff
    mentor, gs, teacher, ib = (
        staff[u] for u in ("kinderopvang.pwa", "gs.pwa", "leerkracht.pwa", "ib.pwa")
    )
    sibling = ChildFactory(
        location=westwijk.centres["pwa"], given_name="Sem", family_name="Jansen", group="2"
    )
    GuardianFactory(family=sibling.family, name="Anna Jansen")
    toddler = ChildFactory(
        family=sibling.family,
        location=westwijk.childcare["pwa"],
        group="peuters",
        given_name="Lotte",
        family_name="Jansen",
        date_of_birth=timezone.localdate() - datetime.timedelta(days=3 * 365 + 250),
    )

    # The childcare worker signals about the toddler, with the parents' agreement.
    sign_in_browser(page, mentor, password=DEMO_PASSWORD)
    file_signal(page, toddler.pk, "Ontwikkeling", "Lotte praat nog weinig.", childcare=True)
    log_out(page)
    case = Case.objects.get()
    assert case.contact_person == gs

    # The GS finds it on their work page, as contact person.
    sign_in_browser(page, gs, password=DEMO_PASSWORD)
    caseload = page.locator("section", has=page.locator("#caseload-heading"))
    expect(caseload).to_contain_text("Lotte")
    log_out(page)

    # The older sibling's teacher signals; the IB sees one family case with both children.
    sign_in_browser(page, teacher, password=DEMO_PASSWORD)
    file_signal(page, sibling.pk, "Gedrag", "Sem is onrustig in de klas.", childcare=False)
    log_out(page)
    assert Case.objects.count() == 1
    sign_in_browser(page, ib, password=DEMO_PASSWORD)
    page.goto(f"/cases/{case.pk}/")
    expect(page.locator("main")).to_contain_text("Lotte")
    expect(page.locator("main")).to_contain_text("Sem")
    log_out(page)

    # The mentor prepares the warm handover and records the parents' consent.
    sign_in_browser(page, mentor, password=DEMO_PASSWORD)
    page.get_by_role("link", name="Warme overdrachten").first.click()
    page.get_by_role("link", name="Bereid een warme overdracht voor").click()
    page.get_by_label("Kind", exact=True).select_option(value=str(toddler.pk))
    page.get_by_label("Ontvangende school").select_option(label=westwijk.centres["pwa"].name)
    page.get_by_label("Wat goed gaat").fill("Lotte speelt graag samen.")
    page.get_by_label("Gevolgd VVE-programma").fill("Piramide")
    page.get_by_role("button", name="Bereid de overdracht voor").click()
    page.get_by_label("Toestemming gegeven").check()
    page.get_by_role("button", name="Leg het antwoord vast").click()
    expect(page.get_by_test_id("consent")).to_have_text("Gegeven")
    log_out(page)

    # The receiving IB opens it, reads it and plans the warm conversation.
    sign_in_browser(page, ib, password=DEMO_PASSWORD)
    page.goto("/handovers/")
    page.get_by_role("link", name=re.compile("Lotte")).click()
    expect(page.get_by_test_id("handover-content")).to_contain_text("Lotte speelt graag samen.")
    when = timezone.localtime() + datetime.timedelta(days=14)
    page.get_by_label("Datum en tijd van het warme gesprek").fill(when.strftime("%Y-%m-%dT10:00"))
    page.get_by_role("button", name="Plan het gesprek").click()
    expect(page.get_by_test_id("meeting")).to_contain_text("Gepland op")
