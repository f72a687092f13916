"""Benchmark of the access log (not a timed test): what one entry adds to a request, alone
and with 16 concurrent writers (entries linked by the chainer running alongside, and for
comparison linked in the request as before), how many entries 16 writers write a second
when they write only entries, and how long verifying a million entries takes.
Writes bench/results/audit.json. Targets: added p99 <= 2 ms per request and >= 2,000
entries/s with 16 writers on PostgreSQL; verifying 1M entries <= 15 s. (What the log adds to
the pages of the region load test at 16 users is measured in the server there: bench/load.)

    DJANGO_SETTINGS_MODULE=kansrijk.conf.test scripts/with_postgres.sh \
        .venv/bin/python -m bench.audit_bench [--entries 1000000]

It runs in a throw-away test database (created and dropped like the test runner does), so
it never touches the data of the database DATABASE_URL names.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import io
import json
import multiprocessing
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results" / "audit.json"


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(fraction: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000, 3)

    return {
        "p50_ms": at(0.50),
        "p99_ms": at(0.99),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 3),
    }


# --- the two pages compared: the same read, with and without its access-log entry --------


def _page(request: Any, logged: bool) -> Any:
    from django.http import HttpResponse

    from kansrijk.audit.models import Event
    from kansrijk.audit.services import log_access
    from kansrijk.cases.models import Case

    case = Case.objects.select_related("family", "contact_person").get(pk=request.GET["case"])
    if logged:
        log_access(by=request.user, event=Event.READ, purpose="bench", case_id=case.pk,
                   family_id=case.family_id, detail="case page")  # fmt: skip
    return HttpResponse(f"<h1>{case.family.name}</h1><p>{case.contact_person}</p>")


def page_plain(request: Any) -> Any:
    return _page(request, logged=False)


def page_logged(request: Any) -> Any:
    return _page(request, logged=True)


def _urlpatterns() -> list[Any]:
    from django.urls import path

    from kansrijk.access.pages import ANY, PAGES

    # The gate serves only pages with a rule: both bench pages are for any professional.
    PAGES.update({"bench-plain": ANY, "bench-logged": ANY})
    return [
        path("plain", page_plain, name="bench-plain"),
        path("logged", page_logged, name="bench-logged"),
    ]


urlpatterns: list[Any] = []  # filled in main() once Django is set up


# --- the measurements ----------------------------------------------------------------------


def _world() -> tuple[Any, Any]:
    from kansrijk.access.roles import Role
    from kansrijk.cases.models import Case, Child, Family
    from kansrijk.core.models import Location, Membership, Organisation, Professional

    board = Organisation.objects.create(name="Bench board", kind=Organisation.Kind.SCHOOL_BOARD)
    school = Location.objects.create(organisation=board, name="Bench school", code="bench",
                                     kind=Location.Kind.CHILD_CENTRE)  # fmt: skip
    user = Professional.objects.create_user("bench-coach", password="bench-password-123")  # noqa: S106
    Membership.objects.create(professional=user, role=Role.INTERNAL_COACH, organisation=board,
                              location=school)  # fmt: skip
    family = Family.objects.create(name="Bench")
    Child.objects.create(family=family, given_name="Kim", family_name="Bench",
                         date_of_birth=datetime.date(2017, 1, 1), location=school)  # fmt: skip
    case = Case.objects.create(family=family, location=school, contact_person=user)
    return user, case


def bench_log_access(user: Any, case: Any, rounds: int) -> dict[str, Any]:
    from django.db import transaction

    from kansrijk.audit.models import Event
    from kansrijk.audit.services import log_access

    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        with transaction.atomic():
            log_access(by=user, event=Event.READ, purpose="bench", case_id=case.pk,
                       family_id=case.family_id)  # fmt: skip
        samples.append(time.perf_counter() - started)
    return {"rounds": rounds, **_percentiles(samples)}


def bench_insert_paths(user: Any, case: Any, rounds: int) -> dict[str, Any]:
    """The request's insert as `log_access` does it (one INSERT … RETURNING, issue 17) and
    the same entry through the ORM's `save()` as before, interleaved in one run so that the
    machine's load weighs on both alike: wall and client CPU time per entry."""
    from django.db import transaction
    from django.utils import timezone

    from kansrijk.audit.models import AccessLogEntry, Event
    from kansrijk.audit.services import log_access

    def orm() -> None:
        entry = AccessLogEntry(
            at=timezone.now(), event=Event.READ.value, user_id=user.pk, username=user.username,
            role="internal_coach", organisation="bench", purpose="bench", case_id=case.pk,
            family_id=case.family_id,
        )  # fmt: skip
        entry.save()

    def direct() -> None:
        log_access(by=user, event=Event.READ, purpose="bench", case_id=case.pk,
                   family_id=case.family_id)  # fmt: skip

    wall: dict[str, list[float]] = {"log_access": [], "orm_save": []}
    cpu: dict[str, list[float]] = {"log_access": [], "orm_save": []}
    for _ in range(rounds):
        for name, run in (("log_access", direct), ("orm_save", orm)):
            with transaction.atomic():
                started, started_cpu = time.perf_counter(), time.process_time()
                run()
                cpu[name].append(time.process_time() - started_cpu)
                wall[name].append(time.perf_counter() - started)
    result: dict[str, Any] = {"rounds": rounds}
    for name in wall:
        result[name] = {"wall": _percentiles(wall[name]), "client_cpu": _percentiles(cpu[name])}
    result["wall_p50_ratio"] = round(
        result["orm_save"]["wall"]["p50_ms"] / result["log_access"]["wall"]["p50_ms"], 2
    )
    result["client_cpu_mean_ratio"] = round(
        result["orm_save"]["client_cpu"]["mean_ms"]
        / max(result["log_access"]["client_cpu"]["mean_ms"], 0.001),
        2,
    )
    return result


def bench_pages(user: Any, case: Any, rounds: int) -> dict[str, Any]:
    from django.test import Client, override_settings

    from tests.auth import sign_in

    client = sign_in(Client(), user)
    times: dict[str, list[float]] = {"plain": [], "logged": []}
    with override_settings(ROOT_URLCONF=__name__):
        for name in times:  # warm up
            assert client.get(f"/{name}", {"case": case.pk}).status_code == 200
        for _ in range(rounds):
            for name, samples in times.items():
                started = time.perf_counter()
                client.get(f"/{name}", {"case": case.pk})
                samples.append(time.perf_counter() - started)
    plain, logged = _percentiles(times["plain"]), _percentiles(times["logged"])
    return {
        "rounds": rounds,
        "without_log": plain,
        "with_log": logged,
        "added_p50_ms": round(logged["p50_ms"] - plain["p50_ms"], 3),
        "added_p99_ms": round(logged["p99_ms"] - plain["p99_ms"], 3),
    }


# --- 16 concurrent writers (processes, each its own connection) ---------------------------


#: What each writer process does in a loop (bench_concurrent, bench_entries_alone).
ALTERNATE = "alternate"  # a request transaction without, then with, its entry: the latency
REQUESTS = "requests"  # only requests with their entry: the throughput of whole requests
ENTRIES = "entries"  # the entry alone, its own transaction (as a page logs its read)
ENTRIES_ATOMIC = "entries_atomic"  # the entry alone in a transaction block (as a write)


def _writer(user_id: int, case_id: int, seconds: float, queue: Any, kind: str) -> None:
    """One app process: see the kinds above. Puts its samples without and with an entry."""
    from django.db import connections, transaction

    from kansrijk.audit.models import Event
    from kansrijk.audit.services import log_access
    from kansrijk.cases.models import Case
    from kansrijk.core.models import Professional

    connections.close_all()
    user = Professional.objects.get(pk=user_id)
    family_id = Case.objects.values_list("family_id", flat=True).get(pk=case_id)
    plain: list[float] = []
    logged: list[float] = []
    stop = time.perf_counter() + seconds
    if kind in (ENTRIES, ENTRIES_ATOMIC):
        atomic = kind == ENTRIES_ATOMIC
        while time.perf_counter() < stop:
            started = time.perf_counter()
            with transaction.atomic() if atomic else contextlib.nullcontext():
                log_access(by=user, event=Event.READ, purpose="bench", case_id=case_id,
                           family_id=family_id)  # fmt: skip
            logged.append(time.perf_counter() - started)
    else:
        kinds = ((logged, True),) if kind == REQUESTS else ((plain, False), (logged, True))
        while time.perf_counter() < stop:
            for samples, log in kinds:
                started = time.perf_counter()
                with transaction.atomic():
                    case = Case.objects.get(pk=case_id)
                    if log:
                        log_access(by=user, event=Event.READ, purpose="bench", case_id=case.pk,
                                   family_id=case.family_id)  # fmt: skip
                samples.append(time.perf_counter() - started)
    connections.close_all()
    queue.put((plain, logged))


def _chainer(stop: Any) -> None:
    from django.db import connections

    from kansrijk.audit.chaining import chain_pending

    connections.close_all()
    while not stop.is_set():
        chain_pending(settle_seconds=1)
        time.sleep(0.2)
    connections.close_all()


def _run_writers(
    user: Any, case: Any, writers: int, seconds: float, inline: bool, kind: str
) -> tuple[list[float], list[float], int, float, int]:
    """16 writer processes (and the chainer unless inline) for `seconds`: their samples, the
    entries written, the elapsed time, the entries still unlinked when the writers stopped."""
    from django.conf import settings
    from django.db import connections

    from kansrijk.audit.chaining import chain_pending
    from kansrijk.audit.models import AccessLogEntry

    settings.KANSRIJK_AUDIT_CHAIN_INLINE = inline  # the forked writers inherit it
    before = AccessLogEntry.objects.count()
    connections.close_all()
    context = multiprocessing.get_context("fork")
    queue, stop = context.Queue(), context.Event()
    chainer = None if inline else context.Process(target=_chainer, args=(stop,))
    if chainer is not None:
        chainer.start()
    processes = [
        context.Process(target=_writer, args=(user.pk, case.pk, seconds, queue, kind))
        for _ in range(writers)
    ]
    started = time.perf_counter()
    for process in processes:
        process.start()
    results = [queue.get() for _ in processes]
    elapsed = time.perf_counter() - started
    for process in processes:
        process.join()
    unchained = AccessLogEntry.objects.filter(entry_hash__isnull=True).count()
    stop.set()
    if chainer is not None:
        chainer.join()
    settings.KANSRIJK_AUDIT_CHAIN_INLINE = False
    chain_pending()
    plain = [t for p, _ in results for t in p]
    logged = [t for _, log in results for t in log]
    return plain, logged, AccessLogEntry.objects.count() - before, elapsed, unchained


def bench_concurrent(
    user: Any, case: Any, writers: int, seconds: float, inline: bool
) -> dict[str, Any]:
    from kansrijk.audit.verification import verify_log

    plain, logged, _, _, _ = _run_writers(user, case, writers, seconds, inline, ALTERNATE)
    _, only, written, elapsed, unchained = _run_writers(
        user, case, writers, seconds, inline, REQUESTS
    )
    report = verify_log()
    assert report.intact and report.unchained == 0, report
    p_plain, p_logged = _percentiles(plain), _percentiles(logged)
    return {
        "mode": "linked in the request (head lock)" if inline else "linked by the chainer",
        "writers": writers,
        "latency": {
            "request_without_log": p_plain,
            "request_with_log": p_logged,
            "added_p50_ms": round(p_logged["p50_ms"] - p_plain["p50_ms"], 3),
            "added_p99_ms": round(p_logged["p99_ms"] - p_plain["p99_ms"], 3),
        },
        "throughput": {
            "seconds": round(elapsed, 2),
            "entries": written,
            "entries_per_s": round(written / elapsed),
            "request_with_log": _percentiles(only),
            "unchained_when_writers_stopped": unchained,
        },
        "targets": {"added_p99_ms": 2, "entries_per_s": 2000},
    }


def bench_entries_alone(user: Any, case: Any, writers: int, seconds: float) -> dict[str, Any]:
    """The issue's throughput as it measured the head lock ("in isolation"): 16 writers that
    only write entries, each its own transaction as a page logs its read, and each in a
    transaction block as a write does, with the chainer linking alongside."""
    from kansrijk.audit.verification import verify_log

    result: dict[str, Any] = {"mode": "linked by the chainer", "writers": writers}
    for kind, label in ((ENTRIES, "own_transaction"), (ENTRIES_ATOMIC, "in_a_transaction")):
        _, entries, written, elapsed, unchained = _run_writers(
            user, case, writers, seconds, False, kind
        )
        result[label] = {
            "seconds": round(elapsed, 2),
            "entries": written,
            "entries_per_s": round(written / elapsed),
            "entry": _percentiles(entries),
            "unchained_when_writers_stopped": unchained,
        }
    report = verify_log()
    assert report.intact and report.unchained == 0, report
    result["target_entries_per_s"] = 2000
    return result


def _chained_rows(count: int) -> tuple[list[tuple[Any, ...]], str]:
    from kansrijk.audit import chain

    start = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=30)
    rows = []
    previous = chain.GENESIS
    for n in range(1, count + 1):
        values = {
            "at": start + datetime.timedelta(milliseconds=2 * n), "event": "read",
            "user_id": None, "username": f"user{n % 500}", "role": "family_specialist",
            "organisation": "Wijkteam Westwijk", "purpose": "zorgroute",
            "source_address": f"10.0.{n % 250}.{n % 200}", "case_id": n % 40_000 + 1,
            "family_id": n % 40_000 + 1, "child_id": None, "detail": f"case page {n}",
        }  # fmt: skip
        entry_hash = chain.link(previous, values)
        rows.append((n, previous, entry_hash, *values.values()))
        previous = entry_hash
    return rows, previous


def bench_verify(count: int) -> dict[str, Any]:
    from django.db import connection, transaction

    from kansrijk.audit import chain
    from kansrijk.audit.models import AccessLogEntry
    from kansrijk.audit.services import locked_head, move_head
    from kansrijk.audit.verification import verify_log

    started = time.perf_counter()
    rows, last_hash = _chained_rows(count)
    generated = time.perf_counter() - started
    columns = ("id", "previous_hash", "entry_hash", *chain.CHAINED_FIELDS)
    started = time.perf_counter()
    with transaction.atomic():
        head = locked_head()
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE audit_accesslogentry")  # allowed in a test_* database only
        if connection.vendor == "postgresql":
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(
                    f"COPY audit_accesslogentry ({', '.join(columns)}) FROM STDIN"
                ) as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('audit_accesslogentry', 'id'), %s)",
                    [count],
                )
        else:
            AccessLogEntry.objects.bulk_create(
                (AccessLogEntry(**dict(zip(columns, row, strict=True))) for row in rows),
                batch_size=5000,
            )
        move_head(head, last_id=count, last_hash=last_hash, count=count, base_id=0,
                  base_hash=chain.GENESIS, pruned=0)  # fmt: skip
    inserted = time.perf_counter() - started
    del rows
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE audit_accesslogentry")
    started, cpu = time.perf_counter(), time.process_time()
    report = verify_log()
    verified, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert report.intact and report.entries == count, report
    return {
        "entries": count,
        "generate_s": round(generated, 2),
        "insert_s": round(inserted, 2),
        "verify_s": round(verified, 2),
        "verify_python_cpu_s": round(cpu, 2),
        "verify_entries_per_s": round(count / verified),
        "target_s": 15,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kansrijk.conf.test")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    urlpatterns.extend(_urlpatterns())
    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False)
    from django.conf import settings

    settings.KANSRIJK_AUDIT_CHAIN_INLINE = False  # as in production: the chainer links
    # …and waits for every transaction of the cluster (the test settings' shortcut for one
    # cluster of many test databases is not what production runs).
    settings.KANSRIJK_AUDIT_CHAIN_OWN_DATABASE_ONLY = False
    try:
        user, case = _world()
        result = {
            "benchmark": "audit",
            "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": f"{connection.vendor} {connection.get_database_version()}",
            "machine": {
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "load_average_at_start": os.getloadavg(),
            },
            "log_access_in_transaction": bench_log_access(user, case, arguments.rounds),
            "insert_paths": bench_insert_paths(user, case, arguments.rounds),
            "page_request": bench_pages(user, case, arguments.rounds // 2),
            "concurrent_writers": bench_concurrent(
                user, case, arguments.writers, arguments.seconds, inline=False
            ),
            "entries_alone": bench_entries_alone(user, case, arguments.writers, arguments.seconds),
            "concurrent_writers_linked_in_request": bench_concurrent(
                user, case, arguments.writers, arguments.seconds, inline=True
            ),
            "verify": bench_verify(arguments.entries),
        }
    finally:
        connection.close()
        teardown_databases(databases, verbosity=0)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    out = io.StringIO()
    json.dump(result, out, indent=2)
    print(out.getvalue())


if __name__ == "__main__":
    main()
