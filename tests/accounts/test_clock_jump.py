"""A forward jump of the server clock (and back) does not lock people out of their codes."""

from __future__ import annotations

import time

import pytest
from django_otp.oath import TOTP

from kansrijk.accounts import services
from tests.auth import totp_device

pytestmark = pytest.mark.django_db

HOUR = 3600.0


def _code_at(device, moment: float) -> str:  # type: ignore[no-untyped-def]
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = moment
    return str(totp.token()).zfill(device.digits)


def _accepted_during_a_jump(device, ahead: float) -> None:  # type: ignore[no-untyped-def]
    """What the device keeps after it accepted a code while the clock ran `ahead` seconds
    fast: its last used step lies that far in the future."""
    device.last_t = int((time.time() + ahead - device.t0) // device.step)
    device.save(update_fields=["last_t"])


def test_after_the_clock_is_right_again_the_current_code_works(world) -> None:
    device = totp_device(world.coach)
    _accepted_during_a_jump(device, HOUR)
    check = services.second_factor_check(by=world.coach, code=_code_at(device, time.time()))
    assert check.device is not None


def test_a_code_used_now_is_still_refused_a_second_time(world) -> None:
    device = totp_device(world.coach)
    code = _code_at(device, time.time())
    assert services.second_factor_check(by=world.coach, code=code).device is not None
    assert services.second_factor_check(by=world.coach, code=code).device is None


def test_the_window_is_kept_when_the_last_step_is_within_tolerance(world) -> None:
    device = totp_device(world.coach)
    _accepted_during_a_jump(device, device.step)  # the next step: normal, not a jump
    before = device.last_t
    services.forget_a_future_window(device)
    device.refresh_from_db()
    assert device.last_t == before
