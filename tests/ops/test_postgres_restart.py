"""PostgreSQL stopped and started under a running `manage.py worker` (production settings):
the worker stays up, a task that fell due during the outage runs afterwards, and meanwhile
pages, the API and /health — with a session cookie — answer 503 in their own form."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings

from tests.core.test_outage import PROBE
from tests.halves import postgres_half_only
from tests.ops.cluster import Cluster, _environment, python

pytestmark = [pytest.mark.postgres, postgres_half_only]

PRODUCTION = "kansrijk.conf.production"
KEY = {"KANSRIJK_SECRET_KEY": secrets.token_urlsafe(50)}

ENQUEUE = """
import datetime
from django.utils import timezone
from kansrijk.notifications.tasks import mail_notification
now = mail_notification.enqueue(999999)
due = timezone.now() + datetime.timedelta(seconds={due})
later = mail_notification.using(run_after=due).enqueue(999998)
print(now.id, later.id)
"""
HEALTH = """
from django.test import Client
print(Client().get("/health").content.decode())
"""


def _status(cluster: Cluster, task_id: str) -> str:
    return cluster.run(
        "psql", "-d", "kansrijk", "-tAc",
        f"select status from django_tasks_database_dbtaskresult where id = '{task_id}'",  # noqa: S608
    ).stdout.strip()  # fmt: skip


def _wait_for(cluster: Cluster, task_id: str, status: str, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    found = ""
    while time.monotonic() < deadline:
        found = _status(cluster, task_id)
        if found == status:
            break
        time.sleep(0.3)
    return found


def test_the_worker_survives_a_postgres_restart(migrated_cluster: Cluster) -> None:
    cluster = migrated_cluster
    url = cluster.url()
    log = open(cluster.directory / "worker.log", "w+")  # noqa: SIM115
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--threads", "2", "--interval", "0.2"],
        env={**_environment(url, PRODUCTION), **KEY},
        cwd=settings.BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        enqueued = python(
            ENQUEUE.format(due=12), database_url=url, settings_module=PRODUCTION, **KEY
        )
        assert enqueued.returncode == 0, enqueued.stderr
        now_id, due_during_outage_id = enqueued.stdout.split()
        assert _wait_for(cluster, now_id, "SUCCESSFUL", 60) == "SUCCESSFUL"

        cluster.stop()
        outage_started = time.monotonic()
        probe = python(PROBE, database_url=url)
        assert probe.returncode == 0, probe.stderr
        answers = json.loads(probe.stdout.strip().splitlines()[-1])
        assert answers["get /health"][0] == 503
        assert answers["get /cases/"][0] == 503
        assert "Kansrijk is tijdelijk niet beschikbaar" in answers["get /cases/"][3]
        assert answers["get /api/cases"][:2] == [503, "application/problem+json"]
        time.sleep(max(0.0, 14 - (time.monotonic() - outage_started)))  # the task falls due
        assert worker.poll() is None, "the worker exited with the database"
        cluster.start()

        assert _wait_for(cluster, due_during_outage_id, "SUCCESSFUL", 60) == "SUCCESSFUL"
        health = python(HEALTH, database_url=url)
        worker_state = json.loads(health.stdout.strip().splitlines()[-1])["worker"]
        assert worker_state["status"] == "ok" and worker_state["threads_alive"] == 2
        assert worker_state["oldest_ready_task_seconds"] is None
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(worker.pid, signal.SIGKILL)
        log.seek(0)
        output = log.read()
        log.close()
    assert worker.returncode == 0, output
    assert "database unavailable" in output
