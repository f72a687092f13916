"""Done-criterion of issue 5: a new user takes the demo safety signal through all five
steps of the meldcode to a recorded Veilig Thuis report, in the browser."""

from __future__ import annotations

import pytest

from kansrijk.demo.people import DEMO_PASSWORD, seed_people
from kansrijk.safety.demo import demo_meldcode_case_id, seed_safety_demo
from kansrijk.safety.models import Meldcode, VeiligThuisReport
from tests.auth import sign_in_browser


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_new_user_takes_the_demo_safety_signal_to_a_veilig_thuis_report(page):
    westwijk = seed_people()
    made = seed_safety_demo()
    assert made["safety_cases"] == 1 and made["childcare_contacts"] == 3
    assert seed_safety_demo()["safety_cases"] == 0  # a second run changes nothing
    case_id = demo_meldcode_case_id()
    assert case_id is not None
    coach = westwijk.staff["ib.pwa"]

    sign_in_browser(page, coach, password=DEMO_PASSWORD)
    # My work: the P1 case stands on top of the coach's list.
    first_case = page.locator("a[href^='/cases/']").first
    assert first_case.get_attribute("href") == f"/cases/{case_id}/"
    first_case.click()
    page.locator("[data-testid=meldcode-panel] a").click()
    page.wait_for_url(f"**/safety/cases/{case_id}/meldcode/")

    def record(number: int, fill: dict[str, str], checks: tuple[str, ...] = ()) -> None:
        form = page.locator("[data-testid=step-form]")
        for name, value in fill.items():
            form.locator(f"[name='step{number}-{name}']").fill(value)
        for selector in checks:
            form.locator(selector).check()
        form.locator("button[type=submit]").click()
        page.wait_for_selector(f"[data-testid=meldcode-step-{number}][data-status=done]")

    record(1, {"summary": "Blauwe plekken op de armen, tweede keer deze maand."})
    record(
        2,
        {
            "summary": "Zorgen gedeeld; advies: gesprek met ouders.",
            "colleague": "Aandachtsfunctionaris PWA",
        },
        ("[name='step2-veilig_thuis_advice']",),
    )
    record(
        3,
        {"summary": "Moeder ontkent, vader was niet bereikbaar."},
        ("[name='step3-parents']", "[name='step3-child']"),
    )
    record(
        4,
        {"summary": "Vermoeden blijft; hulp wordt niet aanvaard."},
        (
            "[name='step4-q1'][value=yes]",
            "[name='step4-q2'][value=no]",
            "[name='step4-q3'][value=yes]",
            "[name='step4-q4'][value=no]",
            "[name='step4-q5'][value=no]",
        ),
    )
    record(
        5,
        {"summary": "Melding bij Veilig Thuis en hulp via de GS."},
        ("[name='step5-decision'][value=both]",),
    )

    report = page.locator("[data-testid=report-form]")
    report.locator("[name='report-reference']").fill("VT-2026-11-0815")
    report.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=veilig-thuis-report]")
    assert page.locator("[data-testid=report-reference]").inner_text() == "VT-2026-11-0815"

    recorded = VeiligThuisReport.objects.get(case_id=case_id)
    assert (recorded.reported_by, recorded.reference) == (coach, "VT-2026-11-0815")
    meldcode = Meldcode.objects.get(case_id=case_id)
    assert not meldcode.is_open and meldcode.steps.count() == 5
