"""Demo professionals sign in with a code printed by `manage.py demo_code`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from kansrijk.accounts import services
from kansrijk.accounts.demo import demo_key, give_demo_device
from tests.auth import totp_device

pytestmark = pytest.mark.django_db


def demo_code(username: str) -> str:
    out = StringIO()
    call_command("demo_code", username, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


@override_settings(DEBUG=True)
def test_the_printed_code_signs_a_demo_professional_in(world):
    device = give_demo_device(world.teacher)
    assert device.key == demo_key("leerkracht") == give_demo_device(world.teacher).key
    code = demo_code("leerkracht")
    assert len(code) == 6 and code.isdigit()
    assert services.second_factor_check(by=world.teacher, code=code).device == device
    # Used once, the next printed code is still accepted (the next time step).
    assert services.second_factor_check(by=world.teacher, code=demo_code("leerkracht")).device


def test_demo_secrets_differ_per_username():
    assert demo_key("leerkracht") != demo_key("ib")
    assert len(bytes.fromhex(demo_key("ib"))) == 20


def test_refused_when_debug_is_off(world):
    give_demo_device(world.teacher)
    with pytest.raises(CommandError, match="DEBUG"):
        demo_code("leerkracht")


@override_settings(DEBUG=True)
def test_refused_for_a_real_device(world):
    totp_device(world.coach)
    with pytest.raises(CommandError, match="no demo device"):
        demo_code("ib")
    with pytest.raises(CommandError, match="no demo device"):
        demo_code("nobody")


def second_step(client, person) -> str:  # type: ignore[no-untyped-def]
    """The second-step page as the person sees it after typing their password."""
    from tests.factories import PASSWORD

    response = client.post("/login/", {"username": person.username, "password": PASSWORD})
    assert response.status_code == 302 and "/account/verify/" in response["Location"]
    return client.get(response["Location"]).content.decode()


@override_settings(DEBUG=True)
def test_a_demo_site_shows_the_demo_code_on_the_second_step(client, world):
    give_demo_device(world.teacher)
    page = second_step(client, world.teacher)
    assert "Demosite" in page and 'data-testid="demo-code"' in page
    shown = page.split('class="demo-code">')[1][:6]
    assert shown.isdigit()
    assert services.second_factor_check(by=world.teacher, code=shown).device is not None


def test_no_demo_code_with_debug_off(client, world):
    give_demo_device(world.teacher)
    page = second_step(client, world.teacher)
    assert "Tweede stap" in page
    assert "demo-code" not in page and "Demosite" not in page


@override_settings(DEBUG=True)
def test_no_demo_code_for_a_real_device(client, world):
    totp_device(world.coach)
    page = second_step(client, world.coach)
    assert "Tweede stap" in page and "demo-code" not in page
