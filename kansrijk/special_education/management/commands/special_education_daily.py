"""``manage.py special_education_daily``: enqueue the day's renewal warnings for the worker.

Run it once a day (cron or a systemd timer) after ``meetings_daily`` (so that the coming
support-team meetings are planned); ``manage.py db_worker`` picks the task up.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kansrijk.special_education.tasks import warn_renewals


class Command(BaseCommand):
    help = "Enqueue today's renewal warnings of integrated arrangements."

    def handle(self, *args: Any, **options: Any) -> None:
        result = warn_renewals.enqueue()
        self.stdout.write(f"Enqueued {warn_renewals.name} ({result.id}).")
