"""A page's read entry written while the page renders (audit.inflight), on PostgreSQL as in
production: the entry goes on a connection of its own, the response waits for it, a refused
entry stops the page, and a broken connection loses no entry."""

from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from kansrijk.audit import inflight
from kansrijk.audit.models import AccessLogEntry, Event
from kansrijk.audit.services import log_access
from tests.auth import sign_in
from tests.cases.route import open_case
from tests.roles import as_owner

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TABLE = AccessLogEntry._meta.db_table


@pytest.fixture(autouse=True)
def in_flight(settings):  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("entries in flight are sent on a PostgreSQL connection of their own")
    settings.KANSRIJK_AUDIT_CHAIN_INLINE = False  # as in production: the chainer links
    settings.KANSRIJK_AUDIT_IN_FLIGHT = True
    yield
    inflight._drop()


def reads_of(case_id: int) -> int:
    return AccessLogEntry.objects.filter(case_id=case_id, event=Event.READ).count()


def backend_of_request() -> int:
    return connection.connection.info.backend_pid  # type: ignore[no-any-return]


def test_a_page_read_is_written_on_its_own_connection_before_the_page_leaves(world, pupil):
    case = open_case(world, pupil)
    client = sign_in(Client(), world.coach)
    before = reads_of(case.pk)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    assert reads_of(case.pk) == before + 1  # there once the response is there
    assert not [q for q in queries if f'INSERT INTO "{TABLE}"' in q["sql"]]
    assert inflight.backend_pid() not in (None, backend_of_request())
    entry = AccessLogEntry.objects.filter(case_id=case.pk, event=Event.READ).latest("id")
    assert (entry.user_id, entry.detail, entry.entry_hash) == (world.coach.pk, "full file", None)


def test_an_entry_postgresql_refuses_stops_the_page(world, pupil):
    case = open_case(world, pupil)
    client = sign_in(Client(raise_request_exception=False), world.coach)
    with as_owner(), connection.cursor() as cursor:
        coach = int(world.coach.pk)
        cursor.execute(
            "CREATE FUNCTION test_refuse_entry() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN IF NEW.user_id = {coach} AND NEW.event = 'read' THEN"
            " RAISE EXCEPTION 'no entry'; END IF; RETURN NEW; END $$"
        )
        cursor.execute(
            f'CREATE TRIGGER test_refuse_entry BEFORE INSERT ON "{TABLE}"'
            " FOR EACH ROW EXECUTE FUNCTION test_refuse_entry()"
        )
    try:
        before = reads_of(case.pk)
        response = client.get(f"/cases/{case.pk}/")
        assert response.status_code == 500
        assert pupil.given_name not in response.content.decode()
        assert reads_of(case.pk) == before
    finally:
        with as_owner(), connection.cursor() as cursor:
            cursor.execute(f'DROP TRIGGER test_refuse_entry ON "{TABLE}"')
            cursor.execute("DROP FUNCTION test_refuse_entry()")
    # The connection for entries works on: the next read is written.
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert reads_of(case.pk) == before + 1


def terminate(pid: int) -> None:
    """End a backend as a restart or an administrator would, and wait until it is gone."""
    with as_owner(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(200):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.01)
    raise AssertionError(f"backend {pid} still there")


def test_a_connection_the_server_closed_is_opened_again(world, pupil):
    case = open_case(world, pupil)
    client = sign_in(Client(), world.coach)
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    first = inflight.backend_pid()
    assert first is not None
    terminate(first)
    before = reads_of(case.pk)
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert reads_of(case.pk) == before + 1
    assert inflight.backend_pid() not in (None, first)


def test_an_entry_whose_connection_breaks_in_flight_is_written_by_the_request(world, pupil):
    """The backend ends while it writes the entry (it sleeps in a trigger): that insert rolls
    back, and the request writes the entry on its own connection before the page leaves."""
    case = open_case(world, pupil)
    client = sign_in(Client(), world.coach)
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    pid = inflight.backend_pid()
    assert pid is not None
    with as_owner(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_slow_entry() RETURNS trigger LANGUAGE plpgsql AS $$"
            " BEGIN PERFORM pg_sleep(0.6); RETURN NEW; END $$"
        )
        cursor.execute(
            f'CREATE TRIGGER test_slow_entry BEFORE INSERT ON "{TABLE}"'
            " FOR EACH ROW EXECUTE FUNCTION test_slow_entry()"
        )

    def end_it() -> None:
        time.sleep(0.2)
        try:
            with as_owner(), connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        finally:
            connections.close_all()

    try:
        before = reads_of(case.pk)
        ender = threading.Thread(target=end_it)
        ender.start()
        response = client.get(f"/cases/{case.pk}/")
        ender.join()
        assert response.status_code == 200
        assert reads_of(case.pk) == before + 1
        assert inflight.backend_pid() is None  # dropped; the next entry opens a new one
    finally:
        with as_owner(), connection.cursor() as cursor:
            cursor.execute(f'DROP TRIGGER test_slow_entry ON "{TABLE}"')
            cursor.execute("DROP FUNCTION test_slow_entry()")


def test_an_entry_inside_a_transaction_commits_or_rolls_back_with_it(world):
    """A write and its entry stay one transaction (house rule 3): inside one, nothing is sent
    in flight, and a rollback takes the entry with it."""

    def view(request: object) -> HttpResponse:
        with pytest.raises(RuntimeError), transaction.atomic():
            log_access(by=world.coach, event=Event.WRITE, detail="rolled back")
            raise RuntimeError
        with transaction.atomic():
            log_access(by=world.coach, event=Event.WRITE, detail="kept")
        log_access(by=world.coach, event=Event.READ, detail="read in flight")
        return HttpResponse("ok")

    middleware = inflight.InFlightEntriesMiddleware(view)
    request = RequestFactory().get("/")
    assert middleware(request).status_code == 200
    details = set(AccessLogEntry.objects.values_list("detail", flat=True))
    assert {"kept", "read in flight"} <= details and "rolled back" not in details
    assert request.audit_log_statements == 1  # type: ignore[attr-defined]


def test_without_a_request_or_switched_off_the_entry_is_written_at_once(world):
    assert "kansrijk.audit.inflight.InFlightEntriesMiddleware" in settings.MIDDLEWARE
    log_access(by=world.coach, event=Event.READ, detail="a command")
    with override_settings(KANSRIJK_AUDIT_IN_FLIGHT=False):
        request = RequestFactory().get("/")

        def view(request: object) -> HttpResponse:
            log_access(by=world.coach, event=Event.READ, detail="switched off")
            return HttpResponse("ok")

        inflight.InFlightEntriesMiddleware(view)(request)
    assert request.audit_log_statements == 0  # type: ignore[attr-defined]
    assert AccessLogEntry.objects.filter(detail__in=["a command", "switched off"]).count() == 2
