"""VOT members inform each other in the file, not in WhatsApp (seed 001, issue 14): the IB
writes in the case's support-team thread, the GS gets the notice by real SMTP (without the
message's text) and reads the message after logging in."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from kansrijk.access.roles import Role
from kansrijk.cases.models import Case, CaseMember
from kansrijk.cases.workflow import CaseState
from kansrijk.consent.models import Consent, Purpose
from kansrijk.demo.people import DEMO_PASSWORD, seed_people
from tests.auth import sign_in_browser
from tests.factories import ChildFactory
from tests.mail import Inbox

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MESSAGE = "Moeder vraagt of Sem vrijdag eerder opgehaald mag worden; wie belt haar?"


def test_the_ib_writes_in_the_thread_and_the_gs_reads_it(page: Page, smtp_server: Inbox) -> None:
    westwijk = seed_people()
    coach, specialist = westwijk.staff["ib.pwa"], westwijk.staff["gs.pwa"]
    pupil = ChildFactory(location=westwijk.centres["pwa"], given_name="Sem", family_name="Jansen")
    case = Case.objects.create(
        family=pupil.family,
        location=westwijk.centres["pwa"],
        contact_person=specialist,
        state=CaseState.IN_SUPPORT,
    )
    CaseMember.objects.create(case=case, professional=coach, role=Role.INTERNAL_COACH)
    Consent.objects.create(
        child=pupil,
        case=case,
        purpose=Purpose.DISCUSS_IN_VOT,
        status=Consent.Status.GIVEN,
        method="verbal",
        recorded_by=coach,
    )

    sign_in_browser(page, coach, password=DEMO_PASSWORD)
    page.goto(f"/cases/{case.pk}/network/")
    page.get_by_test_id("thread-link").click()
    page.get_by_label("Bericht aan het ondersteuningsteam").fill(MESSAGE)
    page.get_by_role("button", name="Verstuur naar het ondersteuningsteam").click()
    expect(page.locator(".utrecht-alert--ok")).to_contain_text("Bericht verstuurd")
    expect(page.get_by_test_id("thread-messages")).to_contain_text(MESSAGE)

    mails = [m for m in smtp_server.messages if m["To"] == specialist.email]
    assert len(mails) == 1
    body = mails[0].get_payload(decode=True) if not mails[0].is_multipart() else b""
    text = (mails[0]["Subject"] or "") + (body or b"").decode("utf-8", errors="replace")
    assert f"casus {case.pk}" in text
    assert "vrijdag" not in text  # the content stays behind the login

    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile("/login/"))
    sign_in_browser(page, specialist, password=DEMO_PASSWORD)
    page.goto("/")
    unread = page.get_by_test_id("unread-threads")
    expect(unread).to_contain_text("1 ongelezen")
    unread.get_by_role("link").first.click()
    expect(page.get_by_test_id("thread-messages")).to_contain_text(MESSAGE)
    page.goto("/")
    expect(page.get_by_test_id("unread-threads")).to_have_count(0)
