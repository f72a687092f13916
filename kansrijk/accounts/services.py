"""The second factor: enrolment of an authenticator app, recovery codes, and checking a code.

The only module of this app that writes (house rule 1). Every outcome that matters for an
investigation (enrolled, verified, recovery codes renewed) leaves an access-log entry in the
same transaction."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access

if TYPE_CHECKING:
    from kansrijk.core.models import Professional

TOTP_DEVICE_NAME = "authenticator app"
RECOVERY_DEVICE_NAME = "recovery codes"
RECOVERY_CODE_COUNT = 10
TOTP_DIGITS = 6


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    recovery_codes: list[str]


@dataclass(frozen=True)
class Check:
    """The outcome of a code: the device that accepted it, or why none did."""

    device: Device | None
    throttled: bool = False

    @property
    def used_recovery_code(self) -> bool:
        return isinstance(self.device, StaticDevice)


def normalise_code(code: str) -> str:
    """People type codes with spaces or dashes, and recovery codes in capitals."""
    return "".join(code.split()).replace("-", "").lower()


def is_totp_code(code: str) -> bool:
    return len(code) == TOTP_DIGITS and code.isdigit()


def confirmed_totp_device(user: Professional) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user: Professional) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def totp_enrolment_start(*, by: Professional) -> TOTPDevice:
    """The unconfirmed device being enrolled; the same one on every visit, so the QR code
    a person already scanned stays valid when the page is reloaded."""
    device = TOTPDevice.objects.filter(user=by, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=by, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_enrolment_confirm(*, by: Professional, device: TOTPDevice, code: str) -> Enrolment | None:
    """Confirm the device with a code from the app; then hand out fresh recovery codes."""
    code = normalise_code(code)
    if not is_totp_code(code):
        return None
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().filter(pk=device.pk, user=by).first()
        if locked is None or not locked.verify_is_allowed()[0]:
            return None
        forget_a_future_window(locked)
        if not locked.verify_token(code):
            return None
        locked.confirmed = True
        locked.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=by).exclude(pk=locked.pk).delete()
        codes = _replace_recovery_codes(by)
        log_access(
            by=by,
            event=Event.LOGIN,
            purpose="authentication",
            detail="second factor enrolled: authenticator app",
        )
    return Enrolment(device=locked, recovery_codes=codes)


def recovery_codes_renew(*, by: Professional) -> list[str]:
    """New recovery codes; the old ones stop working at once."""
    with transaction.atomic():
        codes = _replace_recovery_codes(by)
        log_access(
            by=by, event=Event.LOGIN, purpose="authentication", detail="recovery codes renewed"
        )
    return codes


def _replace_recovery_codes(user: Professional) -> list[str]:
    # Keep the device itself: a session verified by a recovery code names this device, and
    # django_otp drops the verification of a session whose device is gone.
    device = StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    StaticToken.objects.filter(device=device).delete()
    codes: list[str] = []
    while len(codes) < RECOVERY_CODE_COUNT:
        token = StaticToken.random_token()
        if token not in codes:
            codes.append(token)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=token) for token in codes)
    return codes


def forget_a_future_window(device: TOTPDevice, now: float | None = None) -> None:
    """Undo what a forward jump of the server clock left behind.

    A device refuses every code of a time step up to the last one it accepted (replay
    protection). When the clock ran ahead — an hour, say — and a code was accepted then (a
    phone whose clock jumped too, the demo's code), that last step lies in the future once the
    clock is right again, and every real code is refused until real time catches up. A last
    step beyond the device's tolerance window of now cannot come from a correct clock: it is
    brought back to just before that window, and the learned drift is dropped. Codes within the
    window of now stay protected against replay as before. Keep the clock right (NTP, see
    docs/operations.md): this only repairs after the fact."""
    moment = time.time() if now is None else now
    current = int((moment - device.t0) // device.step)
    if device.last_t > current + device.drift + device.tolerance:
        device.last_t = current - device.tolerance - 1
        device.drift = 0
        device.save(update_fields=["last_t", "drift"])


def second_factor_check(*, by: Professional, code: str) -> Check:
    """Check a 6-digit app code or a recovery code (each recovery code works once).

    The devices are locked for the check so two simultaneous tries cannot both use the same
    code; the device's own throttling (growing delays after failures) applies."""
    code = normalise_code(code)
    if not code:
        return Check(device=None)
    wanted: type[Device] = TOTPDevice if is_totp_code(code) else StaticDevice
    throttled = False
    with transaction.atomic():
        for device in devices_for_user(by, confirmed=True, for_verify=True):
            if not isinstance(device, wanted):
                continue
            if not device.verify_is_allowed()[0]:
                throttled = True
                continue
            if isinstance(device, TOTPDevice):
                forget_a_future_window(device)
            if device.verify_token(code):
                kind = "authenticator app" if wanted is TOTPDevice else "recovery code"
                log_access(
                    by=by,
                    event=Event.LOGIN,
                    purpose="authentication",
                    detail=f"second factor verified: {kind}",
                )
                return Check(device=device)
    return Check(device=None, throttled=throttled)
