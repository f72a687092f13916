"""Signing in for tests: through the real login (and second factor) where the test is about it,
directly where it is not. Every test signs in through these two functions."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from kansrijk.accounts.demo import usable_code
from kansrijk.core.models import Professional
from tests.factories import PASSWORD


def totp_device(user: Professional) -> TOTPDevice:
    """The user's confirmed authenticator device; one is made when the user has none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
    return device


def current_code(device: TOTPDevice) -> str:
    """The code the device accepts now, as the person's phone would show it.

    A test may sign the same person in several times within one 30-second step, and a TOTP
    device accepts each step once; the device's replay and throttle state is therefore cleared
    first, so every sign-in gets a fresh, valid code."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, drift=0, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    device.refresh_from_db()
    code = usable_code(device)
    assert code is not None
    return code.code


def sign_in(client: Client, user: Professional) -> Client:
    """A test client with a fully authenticated session for `user`: password and second factor,
    the latter recorded in the session the way django_otp.login does."""
    device = totp_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def sign_in_browser(page: Any, user: Professional, password: str = PASSWORD) -> None:
    """Log in through the login page and the second step in the browser, as a person would,
    typing the code their authenticator app shows."""
    device = totp_device(user)
    page.goto("/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(password)
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_url(lambda url: "/account/verify/" in url)
    page.locator("#id_code").fill(current_code(device))
    page.locator("#verify-form button[type=submit]").click()
    page.wait_for_url(lambda url: "/account/verify/" not in url)
