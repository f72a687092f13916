"""Daily work of the meetings app, run by the task worker (docs/operations.md, "Meetings")."""

from __future__ import annotations

from django_tasks import task

from kansrijk.meetings import services


@task()
def send_action_reminders() -> int:
    """Mail owners of open actions before and after the due date; returns how many went out."""
    return services.reminders_send()


@task()
def plan_meetings() -> int:
    """Plan the coming meetings of every series with a fresh agenda; returns how many."""
    return len(services.meetings_plan())
