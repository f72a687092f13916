"""`manage.py retention [--dry-run] [--enqueue]`: apply the retention table, or report it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kansrijk.privacy.retention import TERMS
from kansrijk.privacy.services import retention_run


class Command(BaseCommand):
    help = (
        "Delete or anonymise personal data past its retention term (kansrijk.privacy."
        "retention); with --dry-run only report per category what would be removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Report only; change nothing.")
        parser.add_argument(
            "--enqueue", action="store_true",
            help="Hand the run to the task worker (django-tasks) instead of running it here.",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"] and not options["dry_run"]:
            from kansrijk.privacy.tasks import retention_nightly

            result = retention_nightly.enqueue()
            self.stdout.write(f"retention enqueued as task {result.id}")
            return
        report = retention_run(dry_run=options["dry_run"])
        verb = "would" if report.dry_run else "done:"
        self.stdout.write(f"{'category':<20} {'term':>5}  {'action':<24} {'count':>7}  oldest")
        for line in report.lines:
            oldest = line.oldest.isoformat() if line.oldest else "-"
            self.stdout.write(
                f"{line.category.value:<20} {TERMS[line.category].years:>4}y  "
                f"{line.action:<24} {line.count:>7}  {oldest}"
            )
        total = sum(line.count for line in report.lines)
        self.stdout.write(
            f"{verb} remove {total} item(s)" if report.dry_run else f"{verb} {total} item(s)"
        )
        for kept in report.kept:
            self.stderr.write(kept)
