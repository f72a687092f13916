"""Signing in for tests: through the real login (and second factor) where the test is about it,
directly where it is not. Every test signs in through these two functions."""

from __future__ import annotations

from typing import Any

from django.test import Client

from kansrijk.core.models import Professional
from tests.factories import PASSWORD


def sign_in(client: Client, user: Professional) -> Client:
    """A test client with a fully authenticated session for `user`."""
    client.force_login(user)
    return client


def sign_in_browser(page: Any, user: Professional, password: str = PASSWORD) -> None:
    """Log in through the login page in the browser, as a person would."""
    page.goto("/login/")
    page.get_by_label("Gebruikersnaam").fill(user.username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
