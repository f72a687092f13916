"""The issue's done-criterion, in the browser at phone width, through the real local OpenID
provider: a parent signs in, answers the IB's consent question, reads the plan, writes in
the family section, sends a message the contact person answers, withdraws the consent, and
the partner organisation's professional gets a 404 on the case at the next request."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from kansrijk.cases.services import case_transition
from kansrijk.cases.workflow import CaseState
from kansrijk.consent.models import Consent
from tests.auth import sign_in
from tests.cases.route import advance, open_case
from tests.conftest import World
from tests.oidc import Provider
from tests.portal.conftest import BSNS

PHONE = {"width": 375, "height": 800}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def fits_the_phone(page: Any) -> None:
    """No sideways scrolling at 375 px, and no axe violation (WCAG 2.1 A and AA)."""
    page.wait_for_load_state("load")  # a click may still be loading the next page
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_parent_answers_reads_writes_talks_and_withdraws_in_the_portal(
    page: Any, world: World, pupil: Any, oidc_provider: Provider
) -> None:
    parent = pupil.family.guardians.get()
    parent.bsn = BSNS[0]
    parent.save()
    oidc_provider.person(parent.bsn)
    case = advance(world, open_case(world, pupil), CaseState.AWAITING_CONSENT)
    case_url = reverse("cases:case_detail", kwargs={"case_id": case.pk})
    page.set_viewport_size(PHONE)
    page.route("https://cdn.jsdelivr.net/**", lambda route: route.abort())  # the mock's CSS

    # Sign in with "DigiD" at the local provider.
    page.goto("/portaal/")
    fits_the_phone(page)
    page.get_by_role("link", name="Inloggen met DigiD").click()
    page.locator("input[name=sub]").fill(parent.bsn)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url("**/portaal/overzicht/")
    expect(page.locator("h1")).to_contain_text("Hallo Anna Jansen")
    fits_the_phone(page)

    # The IB's question, answered online.
    page.get_by_role("link", name="Beantwoord de vraag").click()
    fits_the_phone(page)
    page.locator("#question").get_by_role("button", name="Ja, ik geef toestemming").click()
    expect(page.get_by_role("status")).to_contain_text("Dank je voor je antwoord.")
    assert Consent.objects.get(child=pupil, superseded_at__isnull=True).method == "portal"
    case_transition(
        by=world.coach, case_id=case.pk, name="consent_given", data={"method": "portal"}
    )
    partner = sign_in(Client(), world.swv)  # the SWV specialist joins the support team
    assert partner.get(case_url).status_code == 200

    # The plan, and the family's own part of it.
    page.get_by_role("navigation").get_by_role("link", name="Ons plan").click()
    expect(page.get_by_role("main")).to_contain_text("Sem voelt zich veilig in de klas")
    fits_the_phone(page)
    page.get_by_label("Wat goed gaat").fill("Sem speelt graag buiten met de buren")
    page.get_by_role("button", name="Ons deel opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("Opgeslagen")

    # A message, answered by the contact person.
    page.get_by_role("navigation").get_by_role("link", name="Berichten").click()
    page.get_by_label("Je bericht").fill("Kunnen we donderdag bellen?")
    page.get_by_role("button", name="Versturen").click()
    expect(page.get_by_role("status")).to_contain_text("Je bericht is verstuurd.")
    coach = sign_in(Client(), world.coach)
    family_tab = reverse("cases:case_family", kwargs={"case_id": case.pk})
    assert "Kunnen we donderdag bellen?" in coach.get(family_tab).content.decode()
    coach.post(
        reverse("portal:case_reply", kwargs={"case_id": case.pk}),
        {"text": "Ja, ik bel je donderdag om tien uur."},
    )
    page.reload()
    expect(page.locator(".thread")).to_contain_text("ik bel je donderdag om tien uur")
    fits_the_phone(page)

    # Changing one's mind: the partner loses the case at once.
    page.get_by_role("navigation").get_by_role("link", name="Toestemming").click()
    fits_the_phone(page)
    page.get_by_role("button", name="Toestemming intrekken").first.click()
    expect(page.get_by_role("status")).to_contain_text("Je toestemming is ingetrokken.")
    assert partner.get(case_url).status_code == 404

    for url in (reverse("portal:contact"), reverse("portal:inzage"), reverse("portal:home")):
        page.goto(url)
        fits_the_phone(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_first_door_works_on_a_phone_without_signing_in(page: Any, world: World) -> None:
    from kansrijk.core.models import Organisation
    from kansrijk.portal.models import FirstDoor, Question

    FirstDoor.objects.create(
        district="Westwijk", slug="westwijk", name="CJG Westwijk", address="Westwijkplein 1",
        opening_hours="maandag t/m vrijdag 9.00–17.00", phone="010 123 45 67",
        email="cjg@example.org", organisation=Organisation.objects.get(kind="cjg"),
    )  # fmt: skip
    page.set_viewport_size(PHONE)
    page.goto("/portaal/")
    fits_the_phone(page)
    page.get_by_role("link", name="CJG Westwijk").click()
    fits_the_phone(page)
    page.get_by_label("Je naam").fill("Petra")
    page.get_by_label("Telefoon").fill("0612345678")
    page.get_by_label("Je vraag").fill("Hoe krijg ik mijn peuter aan het slapen?")
    page.get_by_role("button", name="Verstuur mijn vraag").click()
    expect(page.get_by_role("alert")).to_be_visible()
    fits_the_phone(page)  # the refusal: no consent to be contacted yet, the text kept
    expect(page.get_by_label("Je vraag")).to_have_value("Hoe krijg ik mijn peuter aan het slapen?")
    page.get_by_label("Ja, jullie mogen me bellen of mailen over mijn vraag.").check()
    page.get_by_role("button", name="Verstuur mijn vraag").click()
    expect(page.get_by_role("status")).to_contain_text("binnen twee werkdagen")
    assert Question.objects.get().may_contact
