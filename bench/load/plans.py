"""Every query of every page of the load test, timed in PostgreSQL's three ways of planning a
prepared query: its own choice (a custom plan for five executions, then the generic plan it
keeps when that looks no dearer), the kept generic plan forced, and a plan made for each
execution's values. A query that runs much slower the way the page plans it than the best
of the three ways at this scale is a page that grows with the region: the agenda's (case,
child) pairs took 2.6 ms with a plan made for the agenda's cases and 279 ms with the plan
PostgreSQL kept at scale 1.0, unseen at 0.1 (issue 17). So is a query slow whichever way it
is planned (`SLOW_MS`).

    DATABASE_URL=... .venv/bin/python -m bench.load.plans [--pages a,b] [--out file.json]
    DATABASE_URL=... .venv/bin/python -m bench.load.plans --sweep --out file.json

Run against a generated region (bench.region) with the production settings; `bench.load`
runs it after its load runs and keeps what it flags in its results (`plans`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, NamedTuple

#: A query is flagged when the way the page plans it takes this many times the fastest way,
#: and at least MIN_MS.
RATIO = 3.0
MIN_MS = 2.0
#: A query is also flagged when even its fastest way takes this long: it reads what the
#: region holds however it is planned (the signal form's pupils as two arrays joined: a
#: scan of the region's 255,000 children, 24 ms at scale 1.0, which no plan mode avoided and
#: only the load test's database time showed; issue 17).
SLOW_MS = 10.0
RUNS = 12  # per mode; the last half are timed (the auto mode's generic plan from the sixth)
#: A run is stopped after this long and counted as taking it (a generic plan that reads the
#: whole access log took 1-9 s a run).
TIMEOUT_MS = 3000


def _client(username: str) -> Any:
    """A test client signed in as `username` (password and second factor, as tests do)."""
    from django.test import Client

    from kansrijk.core.models import Professional
    from tests.auth import sign_in

    user = Professional.objects.get(username=username)
    return sign_in(Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="localhost"), user)


def _portal_client(session_key: str) -> Any:
    """A test client in a family member's portal session (bench.sweep.portal_sessions)."""
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="localhost")
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


class Read(NamedTuple):
    """A SELECT a view ran: its parameters, the plan mode it ran in, and whether it ran while
    the answer streamed (`whole`: an export reading what its subject holds, the inzage's
    access log)."""

    sql: str
    params: Any
    mode: str
    whole: bool = False


def _queries(page: str, spec: dict[str, Any]) -> list[Read]:
    """The SELECTs one view of the page runs."""
    url = spec["urls"][0] if "urls" in spec else spec["url"]
    status, seen = _viewed(_client(spec["logins"][0]), url)
    assert status == 200, (page, status)
    return seen


def _viewed(client: Any, url: str) -> tuple[int, list[Read]]:
    """The status of one view of `url` and the SELECTs it ran, with their parameters and the
    plan mode it ran each in (`kansrijk.plans.rows_planned` sets the mode around the query
    for the kept plan, and sends a query unprepared, `prepare_threshold` off, for a custom
    one, as `plans.planned_anew` does); a streamed answer is read to its end."""
    from django.db import connection
    from psycopg import ServerCursor

    seen: list[Read] = []
    mode = ["auto"]
    streaming = [False]

    def keep(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        anew = raw.prepare_threshold is None or isinstance(context["cursor"].cursor, ServerCursor)
        seen.append(Read(sql, params, "custom" if anew else mode[0], streaming[0]))
        return execute(sql, params, many, context)

    connection.ensure_connection()
    raw = connection.connection
    send = raw.execute

    def setting(query: Any, *args: Any, **kwargs: Any) -> Any:
        text = str(query)
        if text.startswith("SET plan_cache_mode = "):
            mode[0] = text.split("force_")[-1].removesuffix("_plan")
        elif text.startswith("RESET plan_cache_mode"):
            mode[0] = "auto"
        return send(query, *args, **kwargs)

    raw.execute = setting
    try:
        with connection.execute_wrapper(keep):
            response = client.get(url, secure=True)
            if response.streaming:  # the inzage's JSON reads its log as it streams
                streaming[0] = True
                for _piece in response.streaming_content:
                    pass
            status = response.status_code
    finally:
        del raw.execute
    return status, [read for read in seen if _read_only(read.sql)]


def _read_only(sql: str) -> bool:
    """A SELECT that locks nothing (run again elsewhere, a locking one would wait)."""
    text = sql.upper()
    return (
        text.lstrip("( ").startswith("SELECT")
        and " FOR UPDATE" not in text
        and " FOR SHARE" not in text
        and " FOR KEY SHARE" not in text
    )


def _timed(sql: str, params: Any) -> dict[str, float]:
    """Median ms of the later runs in each plan mode, on a connection of its own."""
    import psycopg
    from django.db import connection

    times: dict[str, float] = {}
    params_of_connection = connection.get_connection_params()
    params_of_connection.pop("cursor_factory", None)
    params_of_connection.pop("prepare_threshold", None)
    for mode in ("auto", "force_generic_plan", "force_custom_plan"):
        # A connection per mode: nothing prepared in one mode is run in the next.
        with psycopg.connect(**params_of_connection, autocommit=True) as conn:
            conn.execute(f"SET plan_cache_mode = {mode}")
            conn.execute("SET lock_timeout = '5s'")
            conn.execute(f"SET statement_timeout = '{TIMEOUT_MS}ms'")
            runs = []
            with conn.cursor() as cursor:
                for _ in range(RUNS):
                    started = time.perf_counter()
                    try:
                        cursor.execute(sql, params, prepare=True)
                        cursor.fetchall()
                    except psycopg.errors.QueryCanceled:  # counted as the time it was given
                        runs.append(float(TIMEOUT_MS))
                        continue
                    runs.append((time.perf_counter() - started) * 1000)
        later = sorted(runs[RUNS // 2 :])
        times[mode.removeprefix("force_").removesuffix("_plan")] = round(later[len(later) // 2], 2)
    return times


def check(pages: list[str] | None = None) -> dict[str, Any]:
    """Per page, the queries flagged: their modes' times and the start of their SQL."""
    from bench.load.run import _plan

    plan = _plan("testserver")
    flagged: dict[str, Any] = {}
    checked = 0
    for page, spec in plan["pages"].items():
        if pages and page not in pages:
            continue
        for read in _queries(page, spec):
            checked += 1
            found, flag = _timed_read(read)
            if flag:
                flagged.setdefault(page, []).append(found)
    return {
        "queries_checked": checked,
        "ratio": RATIO,
        "min_ms": MIN_MS,
        "slow_ms": SLOW_MS,
        "flagged": flagged,
    }


def _timed_read(read: Read) -> tuple[dict[str, Any], bool]:
    """The read's times in the three modes, and whether the page's way is flagged: planned
    worse than the best way, or slow however planned. A streamed export's read (`whole`)
    returns what its subject holds, a family's log of thousands of entries: judged by its
    plan alone, its time kept in the report."""
    times = _timed(read.sql, read.params)
    ran, best = times[read.mode], min(times.values())
    worse = ran >= MIN_MS and ran >= RATIO * best
    found = {**times, "page_runs_it": read.mode, "sql": " ".join(read.sql.split())[:300]}
    return found, worse or (best >= SLOW_MS and not read.whole)


def check_sweep(logins: list[str], portal: bool = True) -> dict[str, Any]:
    """The same check over every page and API read the sweep walks (bench/sweep.py: every GET
    as one login of every role, with their own centre's ids), each distinct query once (the
    parameters of its first view), with the pages that ran it. A page viewed once a day by a
    login runs its queries a few times on a connection, a searched one many times: the plan
    PostgreSQL keeps after five is the one production meets."""
    from bench import sweep

    distinct: dict[tuple[str, str], dict[str, Any]] = {}
    views = 0
    walkers = [(username, _client(username), sweep.pages(username)) for username in logins]
    if portal:  # the family portal, as its members (bench.sweep.portal_sessions)
        for label, key in sweep.portal_sessions():
            walkers.append((label, _portal_client(key), sweep.portal_pages()))
    for login, client, walked in walkers:
        for name, url in walked:
            status, seen = _viewed(client, url)
            views += 1
            if status >= 500:
                raise RuntimeError(f"{login} {url}: {status}")
            for read in seen:
                entry = distinct.setdefault((read.sql, read.mode), {"read": read, "pages": set()})
                entry["pages"].add(f"{login} {name}")
    flagged, whole = [], []
    for entry in distinct.values():
        found, flag = _timed_read(entry["read"])
        found["pages"] = sorted(entry["pages"])[:10]
        if flag:
            flagged.append(found)
        elif entry["read"].whole:
            whole.append(found)
    return {
        "views": views,
        "queries_checked": len(distinct),
        "ratio": RATIO,
        "min_ms": MIN_MS,
        "slow_ms": SLOW_MS,
        "timeout_ms": TIMEOUT_MS,
        "flagged": flagged,
        "streamed_exports": whole,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default="", help="comma-separated; all when empty")
    parser.add_argument("--out", default="", help="where to write the JSON")
    parser.add_argument(
        "--sweep",
        action="store_true",
        help="every page and API read of bench/sweep.py as one login of every role instead",
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
    # The pages render static URLs: with production's manifest storage they need the files
    # collected (a fresh clone has none in var/static); collected into a directory of its own.
    os.environ.setdefault("KANSRIJK_STATIC_ROOT", tempfile.mkdtemp(prefix="kansrijk-static-"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("collectstatic", interactive=False, verbosity=0)
    if args.sweep:
        from bench.sweep import LOGINS

        result = check_sweep(LOGINS)
    else:
        result = check([p for p in args.pages.split(",") if p])
    text = json.dumps(result, indent=1)
    if args.out:
        Path(args.out).write_text(text)
    print(text)
    return 1 if result["flagged"] else 0


if __name__ == "__main__":
    sys.exit(main())
