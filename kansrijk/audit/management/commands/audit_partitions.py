"""`manage.py audit_partitions [--ahead N]`: the access log's next monthly partitions."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kansrijk.audit import partitions


class Command(BaseCommand):
    help = (
        "Create the access log's partitions for this month and the next N (PostgreSQL; run "
        "monthly as the owner role). Entries of a month without one land in the default "
        "partition."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ahead", type=int, default=3, help="Months ahead (3).")

    def handle(self, *args: Any, **options: Any) -> None:
        if not partitions.partitioned():
            self.stdout.write("the access log is not partitioned here (SQLite): nothing to do")
            return
        created, refused = partitions.ensure_months(ahead=options["ahead"])
        self.stdout.write(f"created: {', '.join(created) or 'none'}")
        if refused:
            raise CommandError("refused: " + "; ".join(refused), returncode=1)
