"""The worker's heartbeat and the queue's backlog in /health."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kansrijk.core.models import WorkerHeartbeat
from kansrijk.core.worker import ResilientWorker
from kansrijk.notifications.tasks import mail_notification

pytestmark = pytest.mark.django_db(transaction=True)


def test_health_reports_the_heartbeat_and_the_oldest_ready_task(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    mail_notification.enqueue(999999)
    waiting = Client().get("/health").json()["worker"]
    assert waiting["status"] == "none"
    assert waiting["oldest_ready_task_seconds"] is not None

    worker = ResilientWorker(worker_id="test-1", interval=0.1, stop=threading.Event())
    assert worker.run_one() is True
    health = Client().get("/health").json()["worker"]
    assert health == {
        "status": "ok",
        "threads_alive": 1,
        "last_heartbeat_seconds": 0,
        "oldest_ready_task_seconds": None,
    }

    WorkerHeartbeat.objects.update(beat_at=timezone.now() - timedelta(minutes=5))
    assert Client().get("/health").json()["worker"]["status"] == "stale"
