"""Two-step login, lockout and session expiry in a real browser, as a professional meets them."""

from __future__ import annotations

import re
import time
from base64 import b32decode
from importlib import import_module

import pytest
from django.conf import settings
from django.urls import resolve
from django_otp.oath import totp
from playwright.sync_api import expect

from kansrijk.access.roles import Role
from kansrijk.accounts import services, session_clock
from kansrijk.audit.models import AccessLogEntry, Event
from kansrijk.core.models import Professional
from tests.auth import current_code, sign_in_browser, totp_device
from tests.factories import PASSWORD, LocationFactory, professional

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Wijkzorg-is-samen-2026"


@pytest.fixture
def teacher() -> Professional:
    return professional(Role.TEACHER, LocationFactory.create(), username="leerkracht")


@pytest.fixture
def browser_page(page, live_server):
    """The page in English (the msgids), collecting what the CSP blocks."""
    resolve("/")  # import the URLconf (and the heavy solver) here, not in the first page load
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    page.csp_errors = []
    page.on(
        "console",
        lambda message: (
            page.csp_errors.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return page


def password_step(page, username: str, password: str = PASSWORD, next_path: str = "") -> None:
    page.goto("/login/" + (f"?next={next_path}" if next_path else ""))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("#login-form button[type=submit]").click()


def enter_code(page, code: str) -> None:
    page.locator("#id_code").fill(code)
    page.locator("#verify-form button[type=submit]").click()


def log_out(page) -> None:
    page.locator("form[action='/logout/'] button").click()
    expect(page).to_have_url(re.compile("/login/"))


def session_of(page):
    """The server-side session behind the browser's cookie."""
    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=cookie["value"])


def test_first_login_enrols_by_qr_code_and_shows_recovery_codes_once(
    browser_page, teacher, live_server, settings, smtp_server
):
    """The first app is connected through the invitation: a password alone does not do it."""
    page = browser_page
    password_step(page, "leerkracht", next_path="/signals/new/")
    expect(page).to_have_url(re.compile("/account/enrol/"))
    expect(page.locator("#enrol-closed")).to_be_visible()
    expect(page.locator("#enrol-qr")).to_have_count(0)
    log_out(page)

    settings.KANSRIJK_BASE_URL = live_server.url
    teacher.set_unusable_password()
    teacher.save()
    administrator = professional(Role.ADMINISTRATOR, None, username="beheer")
    services.invitation_send(by=administrator, professional=teacher)
    [mail] = smtp_server.messages
    link = re.search(r"http://\S+/account/invitation/\S+/", mail.get_payload(decode=True).decode())
    assert link is not None
    page.goto(link.group(0))
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.locator("#invitation-form button[type=submit]").click()

    expect(page).to_have_url(re.compile("/account/enrol/"))
    qr = page.locator("#enrol-qr")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert qr.evaluate("image => image.naturalWidth") > 0  # the CSP lets the QR code show
    secret = page.locator("#enrol-secret").get_attribute("data-secret")
    code = str(totp(b32decode(secret))).zfill(6)  # what the phone shows after scanning
    page.locator("#id_code").fill(code)
    page.locator("#enrol-form button[type=submit]").click()

    expect(page).to_have_url(re.compile("/account/recovery-codes/"))
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10 and len(set(codes)) == 10
    page.get_by_role("link", name="I have saved the codes, continue").click()
    expect(page).to_have_url(re.compile("/$"))
    page.goto("/account/recovery-codes/")
    expect(page.locator("#recovery-codes")).to_have_count(0)  # shown once only
    page.goto(link.group(0))
    expect(
        page.get_by_text("This link has already been used. Each link works once.")
    ).to_be_visible()
    assert page.csp_errors == []


def test_login_with_the_app_code_after_a_wrong_one(browser_page, teacher):
    page = browser_page
    device = totp_device(teacher)
    password_step(page, "leerkracht")
    expect(page).to_have_url(re.compile("/account/verify/"))
    page.goto("/signals/new/")  # nothing opens before the second step
    expect(page).to_have_url(re.compile("/account/verify/"))
    right = current_code(device)
    enter_code(page, "000000" if right != "000000" else "111111")
    expect(page.get_by_text("This code is not correct. Try again.")).to_be_visible()
    expect(page).to_have_url(re.compile("/account/verify/"))
    enter_code(page, current_code(device))
    expect(page).to_have_url(re.compile("/signals/new/$"))
    assert (
        AccessLogEntry.objects.filter(event=Event.LOGIN_FAILED, username="leerkracht").count() == 1
    )
    assert page.csp_errors == []


def test_a_recovery_code_works_once(browser_page, teacher):
    page = browser_page
    totp_device(teacher)
    codes = services.recovery_codes_renew(by=teacher)
    password_step(page, "leerkracht")
    enter_code(page, codes[0])
    expect(page).to_have_url(re.compile("/$"))
    expect(
        page.get_by_text("You used a recovery code. You have 9 recovery codes left.")
    ).to_be_visible()
    log_out(page)
    password_step(page, "leerkracht")
    enter_code(page, codes[0])
    expect(page.get_by_text("This code is not correct. Try again.")).to_be_visible()
    expect(page).to_have_url(re.compile("/account/verify/"))


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(browser_page, teacher):
    page = browser_page
    for _ in range(4):
        password_step(page, "leerkracht", "not-the-password")
        expect(page.locator("#login-form")).to_be_visible()
    password_step(page, "leerkracht", "not-the-password")
    expect(page.locator("#locked-out")).to_contain_text("blocked for 15 minutes")
    password_step(page, "leerkracht", PASSWORD)
    expect(page.locator("#locked-out")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile("/login/"))  # not signed in
    failures = AccessLogEntry.objects.filter(event=Event.LOGIN_FAILED, username="leerkracht")
    assert failures.filter(detail="locked out after repeated failures").count() >= 2


def test_idle_session_expires(browser_page, teacher):
    page = browser_page
    sign_in_browser(page, teacher)
    session = session_of(page)
    session[session_clock.LAST_ACTIVITY_KEY] = time.time() - 29 * 60  # still within 30 minutes
    session.save()
    page.goto("/signals/new/")
    expect(page).to_have_url(re.compile("/signals/new/$"))
    session = session_of(page)
    assert session[session_clock.LAST_ACTIVITY_KEY] > time.time() - 60  # activity counted

    session[session_clock.LAST_ACTIVITY_KEY] = time.time() - 31 * 60
    session.save()
    page.goto("/signals/new/")
    expect(page).to_have_url(re.compile("/login/"))
    expect(page.get_by_text("Your session has expired. Log in again.")).to_be_visible()
    assert AccessLogEntry.objects.filter(event=Event.LOGOUT, username="leerkracht").exists()


def test_session_expires_12_hours_after_login_however_active(browser_page, teacher):
    page = browser_page
    sign_in_browser(page, teacher)
    session = session_of(page)
    session[session_clock.STARTED_KEY] = time.time() - 12 * 3600 - 60
    session[session_clock.LAST_ACTIVITY_KEY] = time.time()
    session.save()
    page.goto("/signals/new/")
    expect(page).to_have_url(re.compile("/login/"))
    expect(page.get_by_text("Your session has expired. Log in again.")).to_be_visible()
