"""What one request cost, for the load test in bench/load (issue 17): the number of queries,
the worker's CPU time, the database backend's CPU time, and the time (wall) the request spent
writing its access-log entries (what the log adds to a request), as response headers.

Enabled only by KANSRIJK_BENCH_METRICS in the production settings; the database CPU is read
from /proc/<backend pid>/schedstat, so it needs PostgreSQL on the same machine (else 0)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse

from kansrijk.audit.models import AccessLogEntry

#: How a statement that writes an access-log entry starts (audit.services' one INSERT).
LOG_INSERT = f'INSERT INTO "{AccessLogEntry._meta.db_table}"'


class QueryCounter:
    """An execute wrapper that counts the statements sent to the database, and times those
    that write an access-log entry (from sending to the answer, in nanoseconds)."""

    def __init__(self) -> None:
        self.count = 0
        self.log_ns = 0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self.count += 1
        if not sql.startswith(LOG_INSERT):
            return execute(sql, params, many, context)
        started = time.perf_counter_ns()
        try:
            return execute(sql, params, many, context)
        finally:
            self.log_ns += time.perf_counter_ns() - started


def backend_cpu_ns() -> int:
    """CPU time the current connection's PostgreSQL backend has used so far, in nanoseconds."""
    raw = getattr(connection, "connection", None)
    pid = getattr(getattr(raw, "info", None), "backend_pid", None)
    if not pid:
        return 0
    fd = _schedstat.get(pid)
    try:
        if fd is None:
            fd = _schedstat[pid] = os.open(f"/proc/{pid}/schedstat", os.O_RDONLY | os.O_CLOEXEC)
        return int(os.pread(fd, 128, 0).split()[0])
    except (OSError, ValueError, IndexError):
        if fd is not None:  # the backend ended, and its file with it
            os.close(_schedstat.pop(pid))
        return 0


#: The backends' /proc schedstat files by pid, opened once and read again from their start
#: at each request: opening one twice a request cost the measured pages ~0.05 ms of CPU.
_schedstat: dict[int, int] = {}


class BenchMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        counter = QueryCounter()
        cpu_before = time.process_time()
        db_before = backend_cpu_ns()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        db_after = backend_cpu_ns()
        # A connection opened during the request started from zero CPU time.
        db_ns = db_after - db_before if db_before and db_after >= db_before else db_after
        response["X-Bench-Queries"] = str(counter.count)
        response["X-Bench-App-CPU-ms"] = f"{(time.process_time() - cpu_before) * 1000:.2f}"
        response["X-Bench-DB-CPU-ms"] = f"{db_ns / 1e6:.2f}"
        response["X-Bench-Log-ms"] = f"{counter.log_ns / 1e6:.3f}"
        if response.streaming:  # the figures end where the body starts (the inzage's JSON)
            response["X-Bench-Streamed"] = "1"
        return response
