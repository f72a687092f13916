"""``manage.py seed_demo [--reset]``: load the Westwijk demo and print its logins."""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kansrijk.cases.models import Case
from kansrijk.cases.workflow import CaseState
from kansrijk.demo.guard import real_data
from kansrijk.demo.people import DEMO_PASSWORD, STAFF
from kansrijk.demo.westwijk import DemoLoad, seed_westwijk
from kansrijk.notifications.family import family_mail_paused


@contextmanager
def _quiet_tasks() -> Iterator[None]:
    """The load's notifications are settled without mail (demo.cases), but each still runs a
    no-op mail task; keep their start/finish lines out of the demo's output."""
    logger = logging.getLogger("django_tasks")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


class Command(BaseCommand):
    help = (
        "Load the Westwijk demo (three child centres, ~600 made-up pupils, ~60 cases). "
        "Does nothing when the demo is already loaded, unless --reset."
    )
    # A data load, run by `make demo` right after migrate and before runserver, which both
    # check the project already; skipping the checks here saves seconds on every start.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="remove the demo's families and cases and load them again",
        )
        parser.add_argument(
            "--i-know-this-is-a-demo",
            action="store_true",
            dest="demo_confirmed",
            help="load the demo with DEBUG off, on a database that holds nothing but the demo",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self._refuse_outside_a_demo(confirmed=options["demo_confirmed"])
        started = time.monotonic()
        with _quiet_tasks(), family_mail_paused():
            load = seed_westwijk(reset=options["reset"])
        if load is None:
            self.stdout.write(
                "The Westwijk demo is already loaded; nothing changed "
                "(use --reset to load it again)."
            )
            self._logins()
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the Westwijk demo in {time.monotonic() - started:.1f} s: {load.pupils} "
                f"pupils in {load.families} families, {len(load.cases)} cases."
            )
        )
        for label in load.other_demos:
            self.stdout.write(f"Also loaded: {label}")
        for failure in load.failed_demos:
            self.stderr.write(self.style.WARNING(f"Not loaded, it failed: {failure}"))
        self._cases(load)
        self._logins()

    def _refuse_outside_a_demo(self, *, confirmed: bool) -> None:
        """The demo's logins share a published password and a computable second factor: with
        DEBUG off (production settings) only on explicit request, and never next to real data."""
        if settings.DEBUG:
            return
        if not confirmed:
            raise CommandError(
                "Refused: DEBUG is off (production settings?). The demo creates logins with a "
                "published password. Use the dev settings, or --i-know-this-is-a-demo on a "
                "database that holds nothing but the demo."
            )
        found = real_data()
        if found:
            raise CommandError(
                "Refused: this database holds data that is not the demo's: " + "; ".join(found)
            )

    def _cases(self, load: DemoLoad) -> None:
        stalled_before = timezone.now() - datetime.timedelta(
            days=settings.KANSRIJK_STALLED_AFTER_DAYS
        )
        cases = {
            c.pk: c
            for c in Case.objects.filter(pk__in=[d.case_id for d in load.cases]).select_related(
                "family", "location", "contact_person"
            )
        }
        self.stdout.write("\nDemo cases per state:")
        for state in CaseState:
            rows = [c for c in cases.values() if c.state == state]
            self.stdout.write(f"  {state.value} ({len(rows)}):")
            for case in sorted(rows, key=lambda c: c.pk)[:4]:
                stalled = case.is_open and case.last_step_at < stalled_before
                extra = f", outcome {case.outcome}" if case.outcome else ""
                self.stdout.write(
                    f"    case {case.pk}: family {case.family.name}, {case.location.code}, "
                    f"contact {case.contact_person.username}{extra}"
                    f"{' (stalled)' if stalled else ''}"
                )

    def _logins(self) -> None:
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for spec in STAFF:
            self.stdout.write(f"  {spec.username:<26} {spec.role.label!s:<26} {spec.centre}")
        from kansrijk.portal.demo import DEMO_PARENTS

        self.stdout.write(
            "\nDemo parents (family portal, /portaal/, sign in at the local DigiD stand-in "
            "with the BSN):"
        )
        for parent in DEMO_PARENTS:
            self.stdout.write(f"  {parent.bsn}  {parent.state.value:<18} {parent.what}")
