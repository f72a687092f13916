"""The task worker that survives its database: `manage.py worker`.

django-tasks-db's `db_worker` exits on the first database error (a PostgreSQL restart, a
fail-over, a dropped connection) and stays down, so reminders, retention and the monitor
silently stop. This worker runs the same claim-and-run loop in several threads (one slow
task, such as a mail to a hanging SMTP server, does not hold up the others); on a database
error a thread drops its connection, waits (1 s, doubling to at most 30 s) and carries on.
Each thread writes a heartbeat (core.WorkerHeartbeat) that /health reports.

A task that was running when the database went away may be left RUNNING (its result could not
be written); docs/operations.md says how to find those.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from datetime import timedelta

from django.db import DatabaseError, OperationalError, close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from kansrijk.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

#: Seconds between two heartbeats of one thread (at most; a busy thread beats after each task).
HEARTBEAT_SECONDS = 10
MAX_BACKOFF_SECONDS = 30.0
#: /health calls a worker stale when its last heartbeat is older than this.
STALE_AFTER = timedelta(seconds=60)


def worker_ids(threads: int) -> list[str]:
    base = f"{socket.gethostname()}-{os.getpid()}"
    return [f"{base}-{n}"[-64:] for n in range(1, threads + 1)]


class ResilientWorker(Worker):
    """One thread's loop: claim the next ready task, run it, beat; reconnect on errors."""

    def __init__(self, *, worker_id: str, interval: float, stop: threading.Event) -> None:
        super().__init__(
            queue_names=["*"],
            interval=interval,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        self.stop = stop
        self.started_at = timezone.now()
        self._last_beat = 0.0

    def run(self) -> None:
        backoff = 1.0
        while not self.stop.is_set():
            try:
                ran = self.run_one()
                backoff = 1.0
            except DatabaseError as error:
                logger.warning(
                    "Worker %s: database unavailable (%s); trying again in %.0f s",
                    self.worker_id,
                    str(error).strip().splitlines()[0] if str(error).strip() else error,
                    backoff,
                )
                self._drop_connection()
                self.stop.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            if not ran:
                self.stop.wait(self.interval)
        self._drop_connection()

    def run_one(self) -> bool:
        """Claim and run one ready task; False when there was none."""
        close_old_connections()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        task_result = None
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
        if task_result is not None:
            self.run_task(task_result)
        self.beat(force=task_result is not None)
        return task_result is not None

    def beat(self, *, force: bool = False) -> None:
        if not force and time.monotonic() - self._last_beat < HEARTBEAT_SECONDS:
            return
        now = timezone.now()
        updated = WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(
            beat_at=now, tasks_run=self._run_tasks
        )
        if not updated:
            WorkerHeartbeat.objects.create(
                worker_id=self.worker_id, beat_at=now, started_at=self.started_at
            )
        self._last_beat = time.monotonic()

    @staticmethod
    def _drop_connection() -> None:
        try:
            connection.close()
        except DatabaseError:
            connection.connection = None


def run_workers(*, threads: int, interval: float, stop: threading.Event) -> None:
    """Run `threads` worker loops until `stop` is set, then wait for their current tasks."""
    with contextlib.suppress(DatabaseError):  # threads of workers that were killed
        WorkerHeartbeat.objects.filter(beat_at__lt=timezone.now() - timedelta(days=1)).delete()
    workers = [
        ResilientWorker(worker_id=worker_id, interval=interval, stop=stop)
        for worker_id in worker_ids(threads)
    ]
    running = [threading.Thread(target=w.run, name=w.worker_id, daemon=True) for w in workers]
    for thread in running:
        thread.start()
    logger.info("Started %d worker thread(s): %s", threads, ", ".join(w.worker_id for w in workers))
    while not stop.is_set():
        stop.wait(1.0)
    for thread in running:
        thread.join()
    with contextlib.suppress(DatabaseError):
        WorkerHeartbeat.objects.filter(worker_id__in=[w.worker_id for w in workers]).delete()


def worker_health() -> dict[str, object]:
    """For /health: the newest heartbeat, how many threads beat recently, and how long the
    oldest ready task has been waiting (a growing figure means no worker is taking tasks)."""
    now = timezone.now()
    beats = list(WorkerHeartbeat.objects.values_list("beat_at", flat=True))
    latest = max(beats, default=None)
    alive = sum(1 for beat in beats if now - beat <= STALE_AFTER)
    oldest = (
        DBTaskResult.objects.ready()
        .order_by("enqueued_at")
        .values_list("enqueued_at", "run_after")
        .first()
    )
    waiting = None
    if oldest is not None:
        enqueued_at, run_after = oldest
        since = max(enqueued_at, run_after) if run_after and run_after <= now else enqueued_at
        waiting = max(0, round((now - since).total_seconds()))
    return {
        "status": "ok" if alive else ("stale" if beats else "none"),
        "threads_alive": alive,
        "last_heartbeat_seconds": None if latest is None else round((now - latest).total_seconds()),
        "oldest_ready_task_seconds": waiting,
    }
