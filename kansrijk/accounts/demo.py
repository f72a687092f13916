"""Demo sign-in: demo professionals get an authenticator device whose secret follows from
their username, and `manage.py demo_code` prints its current code.

Only for the demo seeder (kansrijk/demo/): the secret is predictable by design, so the device is
named DEMO_DEVICE_NAME and the command refuses every other device and any non-DEBUG site."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

if TYPE_CHECKING:
    from kansrijk.core.models import Professional

DEMO_DEVICE_NAME = "demo"


def demo_key(username: str) -> str:
    """20 bytes, hex, the same on every machine for the same username."""
    return hashlib.sha256(f"kansrijk-demo-totp:{username}".encode()).hexdigest()[:40]


def give_demo_device(professional: Professional) -> TOTPDevice:
    """A confirmed TOTP device with the deterministic demo secret (idempotent)."""
    device, _ = TOTPDevice.objects.update_or_create(
        user=professional,
        name=DEMO_DEVICE_NAME,
        defaults={
            "key": demo_key(professional.get_username()),
            "confirmed": True,
            "last_t": -1,
            "drift": 0,
        },
    )
    return device


@dataclass(frozen=True)
class Code:
    code: str
    valid_for_seconds: int


def usable_code(device: TOTPDevice, now: float | None = None) -> Code | None:
    """The code the device accepts now. A code already used in this time step is refused by
    the device, so the next step's code (within the device's tolerance) is given instead;
    None when even that one is used."""
    moment = time.time() if now is None else now
    current = int((moment - device.t0) // device.step) + device.drift
    step = max(current, device.last_t + 1)
    if step > current + device.tolerance:
        return None
    token = hotp(device.bin_key, step, digits=device.digits)
    remaining = int(device.step - ((moment - device.t0) % device.step))
    return Code(code=str(token).zfill(device.digits), valid_for_seconds=remaining)


def code_on_page(professional: Professional) -> Code | None:
    """The code to show on the second step of a demo site, so that a visitor needs no second
    terminal: only with DEBUG on, and only for a demo device whose secret is the predictable
    demo secret (a real device of the same person is never shown)."""
    from django.conf import settings

    if not settings.DEBUG:
        return None
    device = TOTPDevice.objects.filter(
        user=professional,
        name=DEMO_DEVICE_NAME,
        confirmed=True,
        key=demo_key(professional.get_username()),
    ).first()
    return usable_code(device) if device is not None else None
