"""Background work of the monitor: computing snapshots off the request path.

A page that finds its snapshot stale still answers at once with the stored figures and
enqueues a refresh; the `monitor_refresh` command (run nightly by cron) enqueues the
periods people ask for most, so their first visit of the day is fast too.
"""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from kansrijk.monitor.periods import Period


@task()
def refresh_snapshot(first_month: str, last_month: str) -> None:
    from kansrijk.monitor.services import snapshot_refresh

    snapshot_refresh(period=Period.parse(first_month, last_month))


def standard_periods() -> list[Period]:
    """The dashboard's default period and the current and previous four quarters."""
    today = timezone.localdate()
    periods = [Period.default(today)]
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _ in range(5):
        periods.append(Period.quarter(year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return periods


def enqueue_standard_refreshes() -> int:
    periods = standard_periods()
    for period in periods:
        refresh_snapshot.enqueue(period.first_month, period.last_month)
    return len(periods)
