"""A page's read entries written while the page renders; the response waits for them.

Outside a transaction (a page that only reads), the entry of a read is a statement of its
own: the request inserted it and waited for the answer before it went on, one round trip
of ~1 ms alone and p99 6-7 ms with 16 users on two saturated cores (issue 17: the target is
2 ms). Here the INSERT is sent on a connection of the worker's own (autocommit) and the
request goes on rendering while PostgreSQL writes it; `InFlightEntriesMiddleware` reads the
answer before the response leaves. The guarantee is the same: no response without its
entry. An entry that fails turns the response into an error (fail closed); a connection
that cannot send falls back to the request's own connection.

Inside a transaction (a write and its entry commit or roll back together), linked inline
(tests, the demo), and outside a request (a management command, a streamed export's rows),
entries are written as before (audit.services)."""

from __future__ import annotations

import contextlib
import select
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import psycopg
from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse
from psycopg import pq


class EntryNotWritten(RuntimeError):
    """PostgreSQL refused an access-log entry of this request: the response must not leave."""


@dataclass
class _Scope:
    """One request's entries in flight: whether one awaits its answer, and what the log
    cost the request (the time it spent sending and waiting; statements sent)."""

    #: The INSERT awaiting its answer (SQL and parameters), None when none is in flight.
    sent: tuple[str, list[Any]] | None = None
    spent_ns: int = 0
    statements: int = 0


_scope: ContextVar[_Scope | None] = ContextVar("kansrijk_audit_inflight", default=None)
_local = threading.local()


def _raw() -> psycopg.Connection[Any] | None:
    database = getattr(_local, "database", None)
    raw = None if database is None else database.connection
    return None if raw is None or raw.closed else raw


def _connection() -> psycopg.Connection[Any]:
    """The worker thread's connection for entries: a second connection to the default
    database, opened as Django opens its own (settings, autocommit, connection_created),
    kept for the worker's life."""
    raw = _raw()
    if raw is not None:
        # An idle connection has nothing to read, unless the server closed it (a restart):
        # its farewell, then the end of the stream, which marks the connection bad.
        for _ in range(3):
            if not select.select([raw.pgconn.socket], [], [], 0)[0]:
                break
            try:
                raw.pgconn.consume_input()
            except psycopg.Error:
                break
        if raw.pgconn.status != pq.ConnStatus.OK:
            _drop()
            raw = None
    if raw is None:
        database = connections.create_connection("default")
        database.ensure_connection()
        _local.database = database
        raw = database.connection
    assert raw is not None
    return raw


def backend_pid() -> int | None:
    """The PostgreSQL backend of this thread's entry connection, if it is open (the load
    test counts its CPU time with the page's)."""
    raw = _raw()
    return None if raw is None else raw.info.backend_pid


def _drop() -> None:
    database = getattr(_local, "database", None)
    _local.database = None
    if database is not None:
        with contextlib.suppress(Exception):
            database.close()


def send(sql: str, params: list[Any]) -> bool:
    """Send one INSERT of entries without waiting for its answer, when a page's request is
    open outside a transaction (else False: the caller writes it itself). An entry sent
    earlier is answered first: one statement in flight at a time."""
    scope = _scope.get()
    if (
        scope is None
        or not settings.KANSRIJK_AUDIT_IN_FLIGHT
        or connections["default"].in_atomic_block
        or connections["default"].vendor != "postgresql"
    ):
        return False
    started = time.perf_counter_ns()
    try:
        if scope.sent is not None:
            _finish(scope)
        try:
            raw = _connection()
            query = psycopg.ClientCursor(raw).mogrify(sql, params)
            raw.pgconn.send_query(query.encode())
            while raw.pgconn.flush():
                select.select([], [raw.pgconn.socket], [])
        except psycopg.Error:
            _drop()
            return False  # the request's own connection writes it
        scope.sent = (sql, params)
        scope.statements += 1
        return True
    finally:
        scope.spent_ns += time.perf_counter_ns() - started


def _finish(scope: _Scope) -> None:
    """Wait for the answer to the entry in flight. PostgreSQL refused it: EntryNotWritten.
    The connection broke first (the entry rolled back with it): the request's own connection
    writes it, as it would have without this module."""
    assert scope.sent is not None
    sql, params = scope.sent
    scope.sent = None
    raw = _raw()
    refused: str | None = None
    try:
        if raw is None:
            raise psycopg.OperationalError("the connection for entries was closed")
        pgconn = raw.pgconn
        while True:
            pgconn.consume_input()
            if not pgconn.is_busy():
                break
            select.select([pgconn.socket], [], [])
        while (result := pgconn.get_result()) is not None:
            if result.status != pq.ExecStatus.COMMAND_OK:
                refused = (result.error_message or b"").decode(errors="replace")
        broken = pgconn.status != pq.ConnStatus.OK
    except psycopg.Error:
        broken = True
    if broken:
        _drop()
        with connections["default"].cursor() as cursor:
            cursor.execute(sql, params)
        return
    if refused is not None:
        raise EntryNotWritten(f"An access-log entry was not written: {refused}")


class InFlightEntriesMiddleware:
    """Opens the request's scope for entries in flight and waits for them before the
    response leaves. Placed before every middleware that may read a child's data."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        scope = _Scope()
        token = _scope.set(scope)
        try:
            response = self.get_response(request)
        finally:
            _scope.reset(token)
            if scope.sent is not None:
                started = time.perf_counter_ns()
                try:
                    _finish(scope)  # raises: Django answers 500, the page never leaves
                finally:
                    scope.spent_ns += time.perf_counter_ns() - started
            request.audit_log_ns = scope.spent_ns  # type: ignore[attr-defined]
            request.audit_log_statements = scope.statements  # type: ignore[attr-defined]
        return response
