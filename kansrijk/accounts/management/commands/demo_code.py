"""Print the current second-factor code of a demo professional (demo sites only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from kansrijk.accounts.demo import DEMO_DEVICE_NAME, usable_code


class Command(BaseCommand):
    help = "Print the current 6-digit code of a demo professional's authenticator (DEBUG only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_code only works on a demo site (DEBUG on).")
        user = get_user_model().objects.filter(username=username).first()
        device = (
            TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME, confirmed=True).first()
            if user is not None
            else None
        )
        if device is None:
            raise CommandError(f"{username} has no demo device; demo_code refuses other devices.")
        code = usable_code(device)
        if code is None:
            raise CommandError("The codes of this moment are used; try again in 30 seconds.")
        self.stdout.write(code.code)
        self.stderr.write(f"valid for about {code.valid_for_seconds} more seconds")
