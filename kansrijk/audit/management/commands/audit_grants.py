"""`manage.py audit_grants ROLE [--apply]`: the application role's privileges (PostgreSQL)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from kansrijk.audit import partitions
from kansrijk.audit.grants import grant_statements


class Command(BaseCommand):
    help = (
        "Print (or, with --apply, run as the owner role after migrate) the GRANTs that let "
        "the application's role use every table but only read, append and link the access log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="The application's database role (owns nothing).")
        parser.add_argument("--apply", action="store_true", help="Run the statements now.")

    def handle(self, *args: Any, **options: Any) -> None:
        statements = grant_statements(
            options["role"], connection.ops.quote_name, partitions=partitions.names()
        )
        if not options["apply"]:
            self.stdout.write(";\n".join(statements) + ";")
            return
        if connection.vendor != "postgresql":
            raise CommandError("Roles and grants exist on PostgreSQL only.")
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(f"granted to {options['role']}: {len(statements)} statements")
