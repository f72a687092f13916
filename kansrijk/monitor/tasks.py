"""Background work of the monitor: computing snapshots off the request path.

A page that finds its snapshot stale still answers at once with the stored figures and
asks for a refresh (services.snapshot_refresh_request: one queued task per period, however
many views); without a snapshot the page says the figures are being prepared. The
`monitor_refresh` command (run nightly by cron) queues the periods people ask for most.
Refreshes run one at a time (a database lock on PostgreSQL), and a refresh that finds its
snapshot fresh, because another one ran meanwhile, does nothing.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task

from kansrijk.monitor.periods import Period

#: The key of the PostgreSQL advisory lock that lets one monitor refresh run at a time.
REFRESH_LOCK = 1717_0001


@task()
def refresh_snapshot(first_month: str, last_month: str) -> bool:
    """Compute one period's snapshot unless it is fresh; True when it was computed."""
    from kansrijk.monitor.selectors import SNAPSHOT_MAX_AGE, snapshot_computed_at
    from kansrijk.monitor.services import snapshot_refresh

    period = Period.parse(first_month, last_month)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REFRESH_LOCK])
        computed = snapshot_computed_at(period)
        if computed is not None and computed >= timezone.now() - SNAPSHOT_MAX_AGE:
            return False
        snapshot_refresh(period=period)
    return True


@task()
def make_report_pdf(file_id: int) -> str:
    """Lay out an asked-for quarter report (seconds to a region's ~15 s of WeasyPrint)."""
    from kansrijk.monitor.services import report_file_make

    return report_file_make(file_id)


def refresh_queued(period: Period) -> bool:
    """Whether a refresh of this period waits in, or runs from, the database task queue."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(refresh_snapshot.get_backend(), DatabaseBackend):
        return False  # tasks run at once (tests): nothing is ever queued
    return DBTaskResult.objects.filter(
        task_path=refresh_snapshot.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        args_kwargs={"args": [period.first_month, period.last_month], "kwargs": {}},
    ).exists()


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
    """Queue a refresh of each standard period that needs one; returns how many were queued."""
    from kansrijk.monitor.services import snapshot_refresh_request

    return sum(snapshot_refresh_request(period=period) for period in standard_periods())
