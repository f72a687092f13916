"""Mail is not lost when the SMTP server fails: real aiosmtpd servers that refuse, answer 5xx
or hang, the database task backend and the worker of kansrijk.core.worker."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.mail.utils import DNS_NAME
from django.db import connections
from django.test import Client
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from kansrijk.access.roles import Role
from kansrijk.core.worker import ResilientWorker, run_workers
from kansrijk.notifications.models import Notification
from kansrijk.notifications.services import notify
from kansrijk.notifications.tasks import retry_delay
from tests.auth import sign_in
from tests.factories import professional
from tests.mail import Inbox, _free_port

pytestmark = pytest.mark.django_db(transaction=True)

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@task()
def quick_task(n: int) -> int:
    return n


class Refusing(Inbox):
    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, *_: Any):
        return "550 5.1.1 No such mailbox"


class Hanging(Inbox):
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(30)
        return "250 too late"


def _server(handler: Inbox, port: int) -> Controller:
    DNS_NAME._fqdn = "localhost"  # type: ignore[attr-defined]
    controller = Controller(handler, hostname="127.0.0.1", port=port, server_hostname="localhost")
    controller.start()
    return controller


@pytest.fixture
def mail_to(settings: Any) -> Iterator[int]:
    """SMTP pointed at a free port where, for now, nothing listens; tasks in the database."""
    port = _free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 2
    settings.TASKS = DB_TASKS
    yield port


def _run_ready(worker: ResilientWorker) -> None:
    while worker.run_one():
        pass


def _worker() -> ResilientWorker:
    return ResilientWorker(worker_id="test", interval=0.1, stop=threading.Event())


def test_a_refused_connection_is_retried_and_the_mail_arrives(world, mail_to: int) -> None:
    notify(to=world.coordinator, subject="Nieuwe P1-casus", url="/cases/1/")
    worker = _worker()
    _run_ready(worker)  # nothing listens: refused
    notification = Notification.objects.get()
    assert (notification.mail_attempts, notification.mailed_at) == (1, None)
    assert notification.mail_failed_at is None
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after - timezone.now() > timedelta(seconds=50)  # back-off: a minute

    inbox = Inbox()
    controller = _server(inbox, mail_to)  # the server is back
    try:
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # a minute on
        _run_ready(worker)
    finally:
        controller.stop()
    assert [m["Subject"] for m in inbox.messages] == ["[Kansrijk] Nieuwe P1-casus"]
    notification.refresh_from_db()
    assert notification.mailed_at is not None and notification.mail_attempts == 2


def test_retries_back_off_and_go_on_for_a_day(world, mail_to: int, settings: Any) -> None:
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 7, 20)] == [
        60,
        120,
        240,
        3600,
        3600,
    ]
    notify(to=world.coordinator, subject="Oud bericht")
    Notification.objects.update(created_at=timezone.now() - timedelta(hours=23))
    _run_ready(_worker())
    assert DBTaskResult.objects.filter(status="READY").count() == 1  # still retrying
    assert Notification.objects.get().mail_failed_at is None

    Notification.objects.update(created_at=timezone.now() - timedelta(hours=25))
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    _run_ready(_worker())
    notification = Notification.objects.get(subject="Oud bericht")
    assert notification.mail_failed_at is not None
    assert "not delivered after 2 attempt(s)" in notification.mail_error


def test_a_5xx_refusal_is_visible_to_the_recipient_and_the_administrator(
    world, mail_to: int
) -> None:
    administrator = professional(Role.ADMINISTRATOR, None, username="beheer")
    controller = _server(Refusing(), mail_to)
    try:
        notify(to=world.coordinator, subject="Nieuwe P1-casus")
        _run_ready(_worker())
    finally:
        controller.stop()
    notification = Notification.objects.get(recipient=world.coordinator)
    assert notification.mail_failed_at is not None and notification.mailed_at is None
    assert "550" in notification.mail_error
    assert not DBTaskResult.objects.filter(status="READY").exists()  # not retried

    page = sign_in(Client(), world.coordinator).get("/notifications/").content.decode()
    assert "De mail hierover is niet verstuurd." in page
    told = Notification.objects.get(recipient=administrator)
    assert told.subject == "Een mail kon niet worden bezorgd"
    assert world.coordinator.username in told.body and "550" in told.body
    assert told.mail_attempts == 0  # told in the app, not by mail


def _status(pk: Any) -> str:
    return str(DBTaskResult.objects.values_list("status", flat=True).get(pk=pk))


def test_a_hanging_server_holds_up_no_other_task(world, mail_to: int, on_postgres: bool) -> None:
    if not on_postgres:
        # Threads that write SQLite's in-memory test database lock each other's tables and
        # schema (shared cache): the worker itself then fails. Production runs PostgreSQL.
        pytest.skip("concurrent worker threads need PostgreSQL")
    controller = _server(Hanging(), mail_to)
    stop = threading.Event()
    try:
        notify(to=world.coordinator, subject="Blijft hangen")
        mail = DBTaskResult.objects.get()
        quick = [quick_task.enqueue(n) for n in range(3)]
        workers = threading.Thread(
            target=run_workers, kwargs={"threads": 2, "interval": 0.1, "stop": stop}
        )
        workers.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            done = sum(_status(r.id) == "SUCCESSFUL" for r in quick)
            if done == 3:
                break
            time.sleep(0.1)
        assert done == 3, "the other tasks waited for the hanging mail"
        assert _status(mail.pk) == "RUNNING"
        # The time-out (EMAIL_TIMEOUT = 2 s) ends the attempt; the mail is retried later.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if _status(mail.pk) != "RUNNING":
                break
            time.sleep(0.2)
        assert _status(mail.pk) == "SUCCESSFUL"
        stop.set()
        workers.join(timeout=10)
        notification = Notification.objects.get()
        assert notification.mail_attempts == 1 and notification.mail_failed_at is None
        assert "timed out" in notification.mail_error.lower()
        assert DBTaskResult.objects.filter(status="READY").count() == 1  # the retry
    finally:
        stop.set()
        controller.stop()
    connections.close_all()
