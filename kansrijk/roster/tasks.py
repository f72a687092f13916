"""Background work of the roster, run by the task worker (docs/operations.md, "Roster")."""

from __future__ import annotations

from django_tasks import task

from kansrijk.roster import services


@task()
def plan_horizon_nightly(weeks: int = services.HORIZON_WEEKS) -> dict[str, str]:
    """Plan the rolling horizon; published weeks only get re-plans with few changes.

    Returns the solver's status per week, for the task result.
    """
    return {
        label: result.status.value for label, result in services.plan_horizon(by=None, weeks=weeks)
    }


@task()
def prune_bookings() -> int:
    """Remove consultation bookings four weeks after their date (docs/privacy.md)."""
    return services.bookings_prune()
