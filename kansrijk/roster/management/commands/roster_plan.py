"""``manage.py roster_plan --week 2026-W48 --format json [--save]``: plan a week from the rules.

``manage.py roster_plan --horizon 6 [--enqueue]`` plans the rolling horizon (the nightly job):
in-process, or enqueued for the task worker.
"""

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
        parser.add_argument(
            "--horizon", type=int, help="plan and save this week and the weeks after it"
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="with --horizon: leave it to the task worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["horizon"] is not None:
            self._horizon(options["horizon"], options["enqueue"], options["time_limit"])
            return
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

    def _horizon(self, weeks: int, enqueue: bool, time_limit: float) -> None:
        if weeks < 1:
            raise CommandError("--horizon must be at least 1")
        if enqueue:
            from kansrijk.roster.tasks import plan_horizon_nightly, prune_bookings

            plan_horizon_nightly.enqueue(weeks)
            prune_bookings.enqueue()
            self.stdout.write(f"roster horizon of {weeks} weeks and the bookings pruning enqueued")
            return
        pruned = services.bookings_prune()
        self.stdout.write(f"{pruned} old consultation bookings removed")
        planned = services.plan_horizon(
            by=None, weeks=weeks, options=solver.Options(time_limit_s=time_limit)
        )
        for label, result in planned:
            self.stdout.write(f"{label}: {result.status}, {len(result.shifts)} shifts")


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
