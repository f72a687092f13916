"""``manage.py meetings_daily``: enqueue the day's meeting work for the task worker.

Run it once a day (cron or a systemd timer); ``manage.py db_worker`` picks the tasks up.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kansrijk.meetings.tasks import plan_meetings, send_action_reminders


class Command(BaseCommand):
    help = "Enqueue today's meeting tasks: plan the coming meetings and send action reminders."

    def handle(self, *args: Any, **options: Any) -> None:
        for job in (plan_meetings, send_action_reminders):
            result = job.enqueue()
            self.stdout.write(f"Enqueued {job.name} ({result.id}).")
