"""Issue 14 in a real browser: the SWV specialist and the IB keep the pupil on the school's
attention list with a reason and a need; the family specialist sees it as new."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kansrijk.cases import services as case_services
from kansrijk.cases.workflow import CaseState
from tests.auth import sign_in_browser
from tests.cases.route import advance, open_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swv_and_ib_keep_the_list_and_the_gs_sees_it_new(browser, live_server, world, pupil):  # type: ignore[no-untyped-def]
    case = advance(world, open_case(world, pupil), CaseState.AWAITING_CONSENT)

    def as_user(user):  # type: ignore[no-untyped-def]
        context = browser.new_context(locale="nl-NL", base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(30_000)
        sign_in_browser(page, user)
        return page

    gs = as_user(world.family_specialist)
    gs.goto("/attention-list/schakel/")
    expect(gs.get_by_text("Geen leerlingen op de lijst.")).to_be_visible()

    # The parents consent: the route puts Sem on the list; the SWV sets reason and need.
    case_services.case_transition(
        by=world.coach, case_id=case.pk, name="consent_given", data={"method": "paper"}
    )
    swv = as_user(world.swv)
    swv.goto("/attention-list/schakel/")
    row = swv.get_by_test_id("attention-entry").filter(has_text="Sem J.")
    row.get_by_test_id("open-entry").click()  # the row's forms come when it is opened
    row.get_by_label("Wat heeft de leerling nodig?").select_option("both")
    row.get_by_label("Reden voor extra aandacht").fill("Thuis onrustig, leest slecht")
    row.get_by_role("button", name="Opslaan").click()
    expect(swv.get_by_text("De aandachtslijst is bijgewerkt.")).to_be_visible()

    # The IB reads who changed what.
    ib = as_user(world.coach)
    ib.goto("/attention-list/schakel/history/")
    expect(ib.get_by_test_id("attention-change").first).to_contain_text(
        "Thuis onrustig, leest slecht"
    )

    # The family specialist sees Sem as new, with the reason and the need.
    gs.goto("/attention-list/schakel/")
    entry = gs.get_by_test_id("attention-entry").filter(has_text="Sem J.")
    expect(entry.get_by_test_id("attention-badge")).to_have_text("nieuw")
    expect(entry).to_contain_text("Zorg en onderwijs")
    expect(entry).to_contain_text("Thuis onrustig, leest slecht")
    expect(gs.get_by_test_id("attention-new")).to_contain_text("1 nieuw of gewijzigd")
    gs.reload()
    expect(entry.get_by_test_id("attention-badge")).to_have_count(0)
