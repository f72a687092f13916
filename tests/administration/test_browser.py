"""Done when (issue 11): the administrator creates a location and a professional, the
invitation arrives by mail, and the new professional sets a password, connects the
authenticator app and lands on their work page — all in a real browser."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django.urls import resolve
from django_otp.oath import totp
from playwright.sync_api import expect

from kansrijk.access.roles import Role
from kansrijk.audit.models import AccessLogEntry
from kansrijk.core.models import Location, Membership, Organisation, Professional
from tests.auth import sign_in_browser
from tests.factories import LocationFactory, professional

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Samen-voor-de-wijk-2026"


def test_a_new_network_member_is_set_up_from_the_management_area(
    page, browser, live_server, settings, smtp_server
):
    resolve("/")  # import the URLconf (and the heavy solver) here, not in the first page load
    settings.KANSRIJK_BASE_URL = live_server.url
    school = LocationFactory(name="Kindcentrum De Schakel", code="schakel")
    board = school.organisation
    administrator = professional(
        Role.ADMINISTRATOR,
        None,
        organisation=Organisation.objects.create(
            name="Regie Westwijk", kind=Organisation.Kind.COORDINATION
        ),
        username="beheer",
    )

    blocked: list[str] = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    sign_in_browser(page, administrator)
    page.get_by_role("link", name="Beheer").click()
    expect(page).to_have_url(re.compile("/beheer/$"))

    # A new location of the school board.
    page.goto("/beheer/core/location/add/")
    page.locator("#id_organisation").select_option(str(board.pk))
    page.locator("#id_name").fill("Kindcentrum De Vonk")
    page.locator("#id_code").fill("vonk")
    page.locator("#id_kind").select_option(Location.Kind.CHILD_CENTRE)
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("Kindcentrum De Vonk")
    vonk = Location.objects.get(code="vonk")

    # A new internal coach at that location, with the membership on the same page.
    page.goto("/beheer/core/professional/add/")
    page.locator("#id_username").fill("ib.vonk")
    page.locator("#id_first_name").fill("Ilse")
    page.locator("#id_last_name").fill("Bakker")
    page.locator("#id_email").fill("ib.vonk@example.org")
    page.locator(".add-row a").click()
    page.locator("#id_memberships-0-role").select_option(Role.INTERNAL_COACH)
    page.locator("#id_memberships-0-organisation").select_option(str(board.pk))
    page.locator("#id_memberships-0-location").select_option(str(vonk.pk))
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("ib.vonk@example.org")
    newcomer = Professional.objects.get(username="ib.vonk")
    assert Membership.objects.filter(
        professional=newcomer, role=Role.INTERNAL_COACH, location=vonk
    ).exists()
    assert AccessLogEntry.objects.filter(
        user=administrator, detail__startswith="added core.professional"
    ).exists()

    assert blocked == []  # the admin's scripts and styles pass the CSP

    # The invitation arrives at the SMTP server.
    [mail] = smtp_server.messages
    assert mail["To"] == "ib.vonk@example.org"
    link = re.search(r"http://\S+/account/invitation/\S+/", mail.get_payload(decode=True).decode())
    assert link is not None and link.group(0).startswith(live_server.url)

    # The new professional, in a browser of their own.
    context = browser.new_context(locale="nl-NL", base_url=live_server.url)
    mine = context.new_page()
    mine.set_default_timeout(30_000)
    try:
        mine.goto(link.group(0))
        expect(mine.locator("#invitation-username")).to_have_text("ib.vonk")
        mine.locator("#id_new_password1").fill(NEW_PASSWORD)
        mine.locator("#id_new_password2").fill(NEW_PASSWORD)
        mine.locator("#invitation-form button[type=submit]").click()
        expect(mine).to_have_url(re.compile("/account/enrol/"))
        secret = mine.locator("#enrol-secret").get_attribute("data-secret")
        mine.locator("#id_code").fill(str(totp(b32decode(secret))).zfill(6))
        mine.locator("#enrol-form button[type=submit]").click()
        expect(mine).to_have_url(re.compile("/account/recovery-codes/"))
        mine.get_by_role("link", name="Ik heb de codes bewaard, verder").click()
        expect(mine).to_have_url(re.compile(f"{live_server.url}/$"))
        expect(mine.locator("h1")).to_contain_text("Mijn werk")
        expect(mine.locator(".site-header__user")).to_contain_text("Ilse Bakker")
    finally:
        context.close()
