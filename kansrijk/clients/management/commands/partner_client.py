"""Make a partner system's client (prints its id and secret once) or switch one off."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kansrijk.access.roles import Role
from kansrijk.clients.models import PartnerClient, Scope
from kansrijk.clients.services import partner_client_create, partner_client_revoke
from kansrijk.core.models import Location, Organisation


class Command(BaseCommand):
    help = "Make a partner system's OAuth client, or --revoke one (by client id)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name")
        parser.add_argument("--organisation", help="the organisation's name")
        parser.add_argument("--role", choices=Role.values)
        parser.add_argument(
            "--location", help="the location's short code, where the role needs one"
        )
        parser.add_argument("--scopes", nargs="+", choices=Scope.values)
        parser.add_argument("--revoke", metavar="CLIENT_ID")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["revoke"]:
            client = PartnerClient.objects.filter(application__client_id=options["revoke"]).first()
            if client is None:
                raise CommandError("No such client.")
            count = partner_client_revoke(by=None, client=client)
            self.stdout.write(f"Switched off; {count} token(s) revoked.")
            return
        if not (
            options["name"] and options["organisation"] and options["role"] and options["scopes"]
        ):
            raise CommandError("Give --name, --organisation, --role and --scopes.")
        organisation = Organisation.objects.filter(name=options["organisation"]).first()
        if organisation is None:
            raise CommandError("No such organisation.")
        location = None
        if options["location"]:
            location = Location.objects.filter(code=options["location"]).first()
            if location is None:
                raise CommandError("No such location.")
        client, secret = partner_client_create(
            by=None, name=options["name"], organisation=organisation, role=Role(options["role"]),
            location=location, scopes=options["scopes"],
        )  # fmt: skip
        self.stdout.write(f"client id: {client.application.client_id}")
        self.stdout.write(f"secret:    {secret}   (shown once)")
