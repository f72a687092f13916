"""``manage.py portal_oidc_mock``: the local OpenID Connect provider that stands in for the
municipality's DigiD broker in `make demo` (oidc-provider-mock, a development dependency).

The demo parents (portal.demo.DEMO_PARENTS) are predefined: their `sub` and their "bsn"
claim are their public test BSN, the way the broker hands over a DigiD sign-in."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from kansrijk.portal.demo import DEMO_PARENTS


class Command(BaseCommand):
    help = "Run the local OpenID Connect provider with the demo parents (development only)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        mock = urlsplit(getattr(settings, "KANSRIJK_OIDC_MOCK_URL", "http://127.0.0.1:9400"))
        parser.add_argument("--host", default=mock.hostname or "127.0.0.1")
        parser.add_argument("--port", type=int, default=mock.port or 9400)

    def handle(self, *args: Any, **options: Any) -> None:
        import oidc_provider_mock
        import werkzeug.serving

        users = [oidc_provider_mock.User(sub=p.bsn, claims={"bsn": p.bsn}) for p in DEMO_PARENTS]
        app = oidc_provider_mock.app(user_claims=users, require_nonce=True)
        self.stdout.write(
            f"DigiD stand-in (OpenID Connect) on http://{options['host']}:{options['port']}; "
            "demo parents (BSN): " + ", ".join(p.bsn for p in DEMO_PARENTS)
        )
        werkzeug.serving.run_simple(options["host"], options["port"], app, threaded=True)
