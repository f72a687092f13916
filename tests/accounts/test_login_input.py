"""Every login input gets a clean refusal: a username longer than any account's (axes writes it
to a varchar(255) on PostgreSQL), a huge password, odd characters — never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ODD_INPUTS = [
    ("x" * 256, "een wachtwoord"),
    ("x" * 5000, "een wachtwoord"),
    ("leerkracht", "p" * 10_000),
    ("le\x00erkracht", "een wachtwoord"),
    ("ü" * 300, "ü" * 300),
    ("", ""),
]


@pytest.mark.parametrize(("username", "password"), ODD_INPUTS)
def test_odd_login_input_is_refused_cleanly(world, username: str, password: str) -> None:
    client = Client()
    for _ in range(7):  # past the lockout limit too
        response = client.post("/login/", {"username": username, "password": password})
        assert response.status_code in {200, 403, 429}, response.status_code
        assert "Server Error" not in response.content.decode()
    assert response.status_code in {200, 403, 429}


def test_a_too_long_username_gets_the_usual_dutch_message(world) -> None:
    response = Client().post("/login/", {"username": "x" * 256, "password": "een wachtwoord"})
    assert response.status_code == 200
    assert "gebruikersnaam" in response.content.decode().lower()
    assert 'value="' + "x" * 256 + '"' in response.content.decode()  # what was typed is kept
