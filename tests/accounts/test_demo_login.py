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
