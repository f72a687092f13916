"""Enqueue the monitor's standard snapshots (run nightly, e.g. from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kansrijk.monitor.tasks import enqueue_standard_refreshes


class Command(BaseCommand):
    help = "Enqueue a refresh of the monitor's standard periods (last 12 months, 5 quarters)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = enqueue_standard_refreshes()
        self.stdout.write(f"{count} monitor snapshots enqueued")
