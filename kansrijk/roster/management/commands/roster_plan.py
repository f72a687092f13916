"""``manage.py roster_plan --week 2026-W48 --format json [--save]``: plan a week from the rules."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kansrijk.core.models import Professional
from kansrijk.roster import selectors, services, solver


class Command(BaseCommand):
    help = "Plan the presence roster of a week and print it (JSON or text)."
    requires_system_checks: list[str] = []  # a planning run needs no URL or template checks

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--week", help="ISO week, e.g. 2026-W48 (default: this week)")
        parser.add_argument("--format", choices=("json", "text"), default="text")
        parser.add_argument(
            "--save", action="store_true", help="store the roster (replaces the week)"
        )
        parser.add_argument("--time-limit", type=float, default=10.0, help="seconds of search")

    def handle(self, *args: Any, **options: Any) -> None:
        year, week = _week(options["week"])
        result = services.plan_week(
            by=None,
            iso_year=year,
            iso_week=week,
            save=options["save"],
            options=solver.Options(time_limit_s=options["time_limit"]),
        )
        people = {
            str(p.pk): p.username
            for p in Professional.objects.filter(pk__in={int(s.person) for s in result.shifts})
        }
        rows = [
            {
                "person": people.get(s.person, s.person),
                "role": s.role,
                "location": s.location,
                "date": s.date.isoformat(),
                "part": s.part.value,
            }
            for s in result.shifts
        ]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
        else:
            for r in rows:
                self.stdout.write(
                    f"{r['date']} {r['part']:<9} {r['location']:<14} {r['role']:<22} {r['person']}"
                )
        self.stderr.write(
            f"{selectors.week_label(year, week)}: {result.status}, {len(rows)} shifts"
            f"{' (saved)' if options['save'] else ''}"
        )
        for explanation in result.explanations:
            self.stderr.write(explanation.text())


def _week(text: str | None) -> tuple[int, int]:
    """The ISO week asked for; a malformed one is an error rather than silently this week."""
    if text is None:
        return selectors.parse_week(None)
    try:
        year, week = text.upper().split("-W")
        solver.week_days(int(year), int(week))
        return int(year), int(week)
    except ValueError as exc:
        raise CommandError(f"--week must look like 2026-W48, not {text!r}") from exc
