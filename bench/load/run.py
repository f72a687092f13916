"""The region load test of issue 17: generate a region, serve it with gunicorn and the
production settings, and measure the pages of the issue's table with locust.

    scripts/with_postgres.sh .venv/bin/python -m bench.load --scale 0.1

(`make bench-region KANSRIJK_BENCH_SCALE=0.1`.) Needs PostgreSQL on this machine (the
database CPU per page is read from /proc). Steps: migrate, `bench.region` (timed), collect
the static files, start gunicorn with a worker per core (PostgreSQL shares the cores:
docs/operations.md) and `kansrijk.conf.production` (persistent connections by default) and
KANSRIJK_BENCH_METRICS on, and the access log's chainer, warm
every page with all its logins (not counted), then per page 1 and 16 users without think
time, the mix of all pages with 16 users, the API's writes, every page as every role
(bench/sweep.py, into bench/results/sweep_<scale>.json; a server error fails the run), and
each page's queries in PostgreSQL's three plan modes (bench/load/plans.py; with the sweep,
also every distinct query of every page as every role). Writes
bench/results/load_<scale>.json: p50/p95/p99 per page, pages/s, queries, CPU ms (app +
database) and bytes per page, what writing the access log took of each request (in the
server), the page-vs-hand-written-SQL ratios, the load average; with results of two
scales present, the growth of each page's 1-user p50 from the smaller to the larger (a
ratio of two runs: `bench.load.growth` measures it in one).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import hmac
import json
import os
import platform
import re
import resource
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from kansrijk.meetings.models import Meeting

ROOT = Path(__file__).resolve().parent.parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
#: Keys only for the benchmark's throw-away database (the region's chain head is signed with
#: the audit key, so the generator and the server must share it).
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "kansrijk.conf.production",
    "KANSRIJK_SECRET_KEY": "bench-secret-key-not-for-production-0123456789-abcdef",
    "KANSRIJK_MATCH_REGISTER_KEY": "bench-match-register-key-not-for-production-0123456789-abcdef",
    "KANSRIJK_AUDIT_KEY": "bench-audit-key",
    "KANSRIJK_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "KANSRIJK_LOG_LEVEL": "WARNING",
    # The runner signs every login in once, before the first run; keep the sessions alive.
    "KANSRIJK_SESSION_IDLE_MINUTES": "600",
}
PAGES = (
    "teacher_my_work",
    "signal_form",
    "ib_my_work",
    "gs_work_list",
    "coordinator_my_work",
    "coordinator_agenda",
    "case_many_steps",
    "monitor",
    "api_cases",
    "attention_list",
)


class _ItemsCount(TypedDict):
    items_count: int


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, **BENCH_ENV, **extra}


def _manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _plan(host: str) -> dict[str, Any]:
    """Logins and URLs per page, from the generated region (Django set up in this process)."""
    from django.db.models import Count

    from bench.region import BENCH_PASSWORD, bench_key
    from kansrijk.cases.models import Case, Step
    from kansrijk.core.models import Location, Professional
    from kansrijk.meetings.models import Meeting, MeetingKind

    centres = list(Location.objects.filter(code__startswith="bench-c").order_by("code")[:16])
    codes = [c.code.removeprefix("bench-") for c in centres]
    longest = Step.objects.values("case_id").annotate(n=Count("id")).order_by("-n").first()
    assert longest is not None, "the region has no steps"
    case = Case.objects.select_related("contact_person").get(pk=longest["case_id"])
    meetings = list(
        Meeting.objects.filter(kind=MeetingKind.CARE_MEETING, items__isnull=False)
        .annotate(items_count=Count("items"))
        .select_related("chair")
        .order_by("starts_at", "id")
        .distinct()
    )
    first_per_chair: dict[str, WithAnnotations[Meeting, _ItemsCount]] = {}
    for meeting in meetings:
        first_per_chair.setdefault(meeting.chair.username, meeting)
    coordinators = sorted(
        Professional.objects.filter(username__startswith="regisseur.").values_list(
            "username", flat=True
        )
    )[:16]
    policy = sorted(
        Professional.objects.filter(username__startswith="beleid.").values_list(
            "username", flat=True
        )
    )
    pages: dict[str, Any] = {
        "teacher_my_work": {"url": "/", "logins": [f"leerkracht.{c}" for c in codes]},
        "signal_form": {"url": "/signals/new/", "logins": [f"leerkracht2.{c}" for c in codes]},
        "ib_my_work": {"url": "/", "logins": [f"ib.{c}" for c in codes]},
        "gs_work_list": {"url": "/", "logins": [f"gs.{c}" for c in codes]},
        "coordinator_my_work": {"url": "/", "logins": coordinators},
        "coordinator_agenda": {
            "logins": list(first_per_chair),
            "urls": [f"/meetings/{m.pk}/" for m in first_per_chair.values()],
            "items": [m.items_count for m in first_per_chair.values()],
        },
        "case_many_steps": {
            "url": f"/cases/{case.pk}/",
            "logins": [case.contact_person.username],
            "steps": longest["n"],
        },
        "monitor": {"url": "/monitor/", "logins": policy},
        "api_cases": {"url": "/api/cases", "logins": [f"directeur.{c}" for c in codes]},
        "attention_list": {
            "urls": [f"/attention-list/bench-{c}/" for c in codes],
            "logins": [f"ib.{c}" for c in codes],
        },
    }
    writes = _writes(codes, keep=case.pk)
    logins = {u for spec in (*pages.values(), *writes.values()) for u in spec["logins"]}
    return {
        "host": host,
        "password": BENCH_PASSWORD,
        "keys": {u: bench_key(u) for u in logins},
        "pages": pages,
        "writes": writes,
    }


#: Pupils each teacher of the load test's writes signals in turn (`_writes`).
SIGNALLED = 50


def _writes(codes: list[str], keep: int) -> dict[str, Any]:
    """The main writes through the API (DESIGN §4: p95 ≤ 300 ms at 16 users): a teacher signals
    pupils of their group in turn, a family specialist adds a note to a case they are the
    contact person of. URLs and bodies line up with the logins (the same index); a login's
    bodies are sent in turn. The teachers are the signal form's (`leerkracht2`), not those
    whose my-work is measured: a kept region's first teacher had 6,958 signals more from run
    after run, and their page read them all. Each signals `SIGNALLED` pupils in turn, not one:
    every signal about one pupil joined that pupil's case, which took 2,564 signals and
    steps from a few runs, and the sweep's and the portal's family was that case's."""
    from kansrijk.cases.models import Case, Signal
    from kansrijk.cases.selectors import OPEN_STATES, pupils_for_signal
    from kansrijk.core.models import Professional

    teachers = Professional.objects.filter(username__in=[f"leerkracht2.{c}" for c in codes])
    pupils = {t.username: list(pupils_for_signal(t).order_by("id")[:SIGNALLED]) for t in teachers}
    signallers = sorted(u for u, children in pupils.items() if children)
    specialists = Professional.objects.filter(username__in=[f"gs.{c}" for c in codes])
    # Not the case page the test measures (`keep`): a kept region took thousands of notes
    # there from run after run, and the page then cost what the load test had written.
    cases = {
        gs.username: Case.objects.filter(contact_person=gs, state__in=OPEN_STATES)
        .exclude(pk=keep)
        .order_by("id")
        .first()
        for gs in specialists
    }
    contacts = sorted(u for u, case in cases.items() if case is not None)
    return {
        "api_signal": {
            "url": "/api/signals",
            "status": 201,
            "logins": signallers,
            "bodies": [
                [
                    {
                        "child_id": child.pk,
                        "domain": Signal.Domain.values[0],
                        "description": "Bench: valt op in de klas, wil graag meedenken.",
                    }
                    for child in pupils[u]
                ]
                for u in signallers
            ],
        },
        "api_add_note": {
            "urls": [f"/api/cases/{cases[u].pk}/notes" for u in contacts],  # type: ignore[union-attr]
            "status": 201,
            "logins": contacts,
            "bodies": [[{"text": "Bench: gesprek met moeder, afspraak over de aanpak."}]],
        },
    }


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _csrf_token(html: str) -> str:
    match = CSRF.search(html)
    if match is None:
        raise RuntimeError("no CSRF token in the form")
    return match.group(1)


def totp(key_hex: str, at: float, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 (SHA-1), as django-otp's TOTPDevice computes it with its defaults."""
    counter = int(at // step)
    mac = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def sign_in(host: str, username: str, password: str, key: str) -> tuple[dict[str, str], float]:
    """A real sign-in (password, then the TOTP code): the session cookies and the seconds it
    took. Over plain HTTP with X-Forwarded-Proto: https, so Secure cookies are kept by hand."""
    import requests

    jar: dict[str, str] = {}

    def call(method: str, url: str, **kwargs: Any) -> Any:
        cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
        headers = {
            "X-Forwarded-Proto": "https",
            "Cookie": cookie,
            "Origin": f"https://{host}",
            "Referer": f"https://{host}/",
        }
        response = requests.request(
            method,
            f"http://{host}{url}",
            headers=headers,
            allow_redirects=False,
            timeout=120,
            **kwargs,
        )
        # A Set-Cookie without "=" has no value (None); Django sets none of those.
        jar.update((k, v) for k, v in response.cookies.items() if v is not None)
        return response

    started = time.perf_counter()
    page = call("GET", "/login/")
    form = {
        "username": username,
        "password": password,
        "csrfmiddlewaretoken": _csrf_token(page.text),
    }
    verify_url = call("POST", "/login/", data=form).headers["Location"]
    verify = call("GET", verify_url)
    form = {
        "code": totp(key, time.time()),
        "csrfmiddlewaretoken": _csrf_token(verify.text),
    }
    done = call("POST", verify_url, data=form)
    if done.status_code != 302:
        raise RuntimeError(f"sign-in of {username} failed: {done.status_code}")
    return jar, time.perf_counter() - started


def sign_in_all(host: str, plan: dict[str, Any]) -> list[float]:
    """Sign every login of the plan in (`sign_in`) and keep its cookies in plan["sessions"];
    the ms each sign-in took."""
    plan["sessions"] = {}
    took = []
    for username, key in sorted(plan["keys"].items()):
        plan["sessions"][username], seconds = sign_in(host, username, plan["password"], key)
        took.append(seconds * 1000)
    return took


def machine(probes: list[float]) -> dict[str, Any]:
    """What a result says of the machine: cores, Python, load average now, speed probes."""
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "speed_probe_ms": probes,
    }


def _sql_timings() -> dict[str, float]:
    """The same lists as three pages, as hand-written SQL: median ms of 15 runs each."""
    from django.db import connection

    from kansrijk.cases.models import Case, Child, Family, Signal
    from kansrijk.cases.workflow import ATTENTION_LIST_STATES
    from kansrijk.core.models import Location, Membership, Professional

    case, family, child, signal = (m._meta.db_table for m in (Case, Family, Child, Signal))
    person = Professional._meta.db_table
    ib_centre = Location.objects.get(code="bench-c001").pk
    coordinator = Professional.objects.get(username="regisseur.g01")
    centres = list(
        Membership.objects.filter(professional=coordinator).values_list("location_id", flat=True)
    )
    teacher = Professional.objects.get(username="leerkracht.c001").pk
    states = sorted(ATTENTION_LIST_STATES)
    queries: dict[str, tuple[str, list[Any]]] = {
        "attention_list": (
            f"SELECT c.id, f.name, c.state, c.priority, c.last_step_at, p.first_name, p.last_name "  # noqa: S608
            f"FROM {case} c JOIN {family} f ON f.id = c.family_id "
            f"JOIN {person} p ON p.id = c.contact_person_id "
            f"WHERE c.location_id = %s AND c.state = ANY(%s) ORDER BY c.priority, c.last_step_at",
            [ib_centre, states],
        ),
        "coordinator_open_cases": (
            f"SELECT c.id, f.name, c.state, c.priority, c.last_step_at, p.first_name, p.last_name "  # noqa: S608
            f"FROM {case} c JOIN {family} f ON f.id = c.family_id "
            f"JOIN {person} p ON p.id = c.contact_person_id "
            f"WHERE c.location_id = ANY(%s) AND c.state <> 'closed' "
            f"ORDER BY c.priority, c.last_step_at",
            [centres],
        ),
        "teacher_signals": (
            f"SELECT s.id, s.created_at, s.domain, ch.given_name, ch.family_name, c.state "  # noqa: S608
            f"FROM {signal} s JOIN {child} ch ON ch.id = s.child_id "
            f"JOIN {case} c ON c.id = s.case_id "
            f"WHERE s.author_id = %s ORDER BY s.created_at DESC",
            [teacher],
        ),
    }
    timings = {}
    with connection.cursor() as cursor:
        for name, (sql, params) in queries.items():
            samples = []
            for _ in range(15):
                started = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                samples.append((time.perf_counter() - started) * 1000)
            timings[name] = round(statistics.median(samples), 3)
    return timings


def _percentile(ordered: list[float], fraction: float, digits: int = 1) -> float:
    return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], digits)


def _summary(samples: list[list[float]], seconds: float) -> dict[str, Any]:
    times = sorted(s[0] for s in samples)
    if not times:
        return {"requests": 0}

    def mean(index: int) -> float:
        values = [s[index] for s in samples if s[index] >= 0]
        return round(statistics.fmean(values), 2) if values else -1

    return {
        "requests": len(times),
        "per_second": round(len(times) / seconds, 2),
        "p50_ms": _percentile(times, 0.50),
        "p95_ms": _percentile(times, 0.95),
        "p99_ms": _percentile(times, 0.99),
        "queries": mean(1),
        "app_cpu_ms": mean(2),
        "db_cpu_ms": mean(3),
        "bytes": int(mean(4)),
        "failures": int(sum(s[5] for s in samples)),
        "access_log_ms": _log_times(samples),
    }


def _log_times(samples: list[list[float]]) -> dict[str, float] | None:
    """What writing the access log added to a request, measured in the server (wall time of
    its entries' INSERTs, X-Bench-Log-ms): the issue's target is p99 <= 2 ms at 16 users."""
    times = sorted(s[7] for s in samples if len(s) > 7 and s[7] >= 0)
    if not times:
        return None
    return {
        "p50": _percentile(times, 0.50, 3),
        "p95": _percentile(times, 0.95, 3),
        "p99": _percentile(times, 0.99, 3),
        "max": round(times[-1], 3),
    }


#: How long each page is asked by all its logins before it is measured (not counted).
WARM_SECONDS = 4


def first_views(host: str, plan: dict[str, Any]) -> dict[str, Any]:
    """The app's CPU for each login's first view of each page (one request each, one at a
    time), but for the login the warm-up's mix gave the page (its user number i takes page
    i and that page's login i): what a user's first page on a worker costs, where their
    filters and lists may be compiled already for another user of the same memberships'
    shape (access.policies._Shape) or not yet. Per page and over all, in ms."""
    import http.client

    name, port = host.split(":")
    per_page: dict[str, list[float]] = {}
    for number, (page, spec) in enumerate(plan["pages"].items()):
        urls = spec.get("urls") or [spec["url"]]
        logins = spec["logins"]
        for index, login in enumerate(logins):
            if index == number % len(logins):
                continue
            cookie = "; ".join(f"{k}={v}" for k, v in plan["sessions"][login].items())
            connection = http.client.HTTPConnection(name, int(port), timeout=60)
            headers = {"X-Forwarded-Proto": "https", "Cookie": cookie, "Host": host}
            connection.request("GET", urls[index % len(urls)], headers=headers)
            answer = connection.getresponse()
            answer.read()
            connection.close()
            cpu = answer.getheader("X-Bench-App-CPU-ms")
            if answer.status == 200 and cpu:
                per_page.setdefault(page, []).append(float(cpu))
    every = sorted(ms for values in per_page.values() for ms in values)
    if not every:
        return {}
    return {
        "views": len(every),
        "app_cpu_ms": {
            "mean": round(statistics.mean(every), 1),
            "p50": _percentile(every, 0.50),
            "p95": _percentile(every, 0.95),
            "max": round(every[-1], 1),
        },
        "per_page_mean": {page: round(statistics.mean(v), 1) for page, v in per_page.items()},
    }


def _locust(host: str, plan: Path, page: str, users: int, seconds: int) -> dict[str, Any]:
    """One headless locust run; returns its samples summarised per page and over all."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    load_before = os.getloadavg()
    client_before = _children_cpu()
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--only-summary",
            "--host",
            f"http://{host}",
            "-u",
            str(users),
            "-r",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--loglevel",
            "WARNING",
            "--plan",
            str(plan),
            "--page",
            page,
            "--samples-out",
            out,
        ],
        cwd=ROOT,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    samples = json.loads(Path(out).read_text() or "{}")
    Path(out).unlink()
    measured = float(samples.pop("_seconds", [[seconds]])[0][0])
    result: dict[str, Any] = {name: _summary(rows, measured) for name, rows in samples.items()}
    result["_all"] = _summary([r for rows in samples.values() for r in rows], measured)
    result["_load_average"] = [round(x, 2) for x in (*load_before, *os.getloadavg())]
    # The load generator runs on the same cores as the server: what it took of them.
    requests = max(result["_all"]["requests"], 1)
    result["_client_cpu_ms"] = round((_children_cpu() - client_before) * 1000 / requests, 2)
    return result


def speed_probe() -> float:
    """CPU ms of a fixed piece of Python (the best of five), with nothing else of the bench
    running: this machine's speed moves by a quarter or more within an hour, so two runs
    compare only when their probes agree."""
    best = float("inf")
    for _ in range(5):
        started = time.process_time()
        sum(i * i for i in range(1_000_000))
        best = min(best, time.process_time() - started)
    return round(best * 1000, 1)


def _children_cpu() -> float:
    """CPU seconds of the child processes waited for so far (locust's runs)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def through_socket(url: str) -> str:
    """The database URL through the cluster's Unix socket (KANSRIJK_PG_SOCKET_DIR, set by
    scripts/with_postgres.sh) when it names that cluster on this machine, else as it is: an
    app server on the database's machine saves the TCP stack's work on every query (5.6 % of
    the app's CPU per page and 2.5 % of the database's at scale 1.0, docs/operations.md)."""
    folder = os.environ.get("KANSRIJK_PG_SOCKET_DIR")
    parts = urllib.parse.urlsplit(url)
    if not folder or parts.hostname not in ("127.0.0.1", "localhost"):
        return url
    user = parts.netloc.rpartition("@")[0]
    user = f"{user}@" if user else ""
    port = f":{parts.port}" if parts.port else ""
    location = f"{user}{urllib.parse.quote(folder, safe='')}{port}"
    return urllib.parse.urlunsplit(parts._replace(netloc=location))


def workers_per_server(servers: int) -> int:
    """A worker per core, the cores shared among the servers: with PostgreSQL on the same
    cores, a worker's wait for the database is the database's work on a core, and more
    workers only switch between processes (2, 3 and 4 workers on two cores: 176, 165 and
    154 pages/s for the mix; docs/operations.md, stop 71)."""
    return max(1, (os.cpu_count() or 1) // servers)


def _serve(
    port: int, workers: int, static: str, database: str | None = None
) -> subprocess.Popen[bytes]:
    """gunicorn with the production settings on this port, on DATABASE_URL or `database`
    (through the local socket, `through_socket`)."""
    log = (RESULTS / "gunicorn.log").open("ab")
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "bench.load.wsgi:application",
            "--preload",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=_env(
            KANSRIJK_BENCH_METRICS="1",
            KANSRIJK_STATIC_ROOT=static,
            DATABASE_URL=through_socket(database or os.environ["DATABASE_URL"]),
        ),
        stderr=log,
    )
    for _ in range(120):
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/health", headers={"X-Forwarded-Proto": "https"}
            )
            urllib.request.urlopen(request, timeout=2)  # noqa: S310
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError("gunicorn did not come up")


def _chainer(database: str | None = None) -> subprocess.Popen[bytes]:
    """The access log's chainer (`manage.py audit_chain`, a round every 0.5 s), running next
    to the servers as in production (docs/operations.md): its UPDATEs write the linked
    entries' indexes again, the listed-ids index among them (audit migration 0012), on the
    same two cores the pages are measured on."""
    log = (RESULTS / "gunicorn.log").open("ab")
    return subprocess.Popen(
        [str(BIN / "python"), "manage.py", "audit_chain"],
        cwd=ROOT,
        env=_env(DATABASE_URL=through_socket(database or os.environ["DATABASE_URL"])),
        stderr=log,
    )


def _growth(scale: float) -> dict[str, Any] | None:
    """Each page's 1-user p50 at this scale over the one at the other scale measured, with
    when each of the two runs was and how fast the machine was then (`speed_probe`): only runs
    back to back on this machine compare (its speed moves by a quarter within an hour), and
    the other scale's file may be an older run."""
    # One file per scale, load_<scale>.json: not the two-server runs nor kept earlier runs
    # (load_0.1_before.json), which would stand in for the scale's latest.
    others = sorted(
        p for p in RESULTS.glob("load_*.json") if re.fullmatch(r"load_[0-9.]+\.json", p.name)
    )
    runs = {}
    for path in others:
        data = json.loads(path.read_text())
        runs[data["scale"]] = data
    if len(runs) < 2:
        return None
    small, large = min(runs), max(runs)
    growth = {}
    for page in PAGES:
        try:
            before = runs[small]["pages"][page]["users_1"][page]["p50_ms"]
            after = runs[large]["pages"][page]["users_1"][page]["p50_ms"]
        except KeyError:
            continue
        growth[page] = {
            "small_p50_ms": before,
            "large_p50_ms": after,
            "ratio": round(after / before, 2) if before else None,
        }
    return {
        "from_scale": small,
        "to_scale": large,
        "from_when": runs[small].get("when"),
        "to_when": runs[large].get("when"),
        "from_speed_probe_ms": runs[small].get("machine", {}).get("speed_probe_ms"),
        "to_speed_probe_ms": runs[large].get("machine", {}).get("speed_probe_ms"),
        "pages": growth,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--seconds", type=int, default=15, help="per page and number of users")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="gunicorn workers per server; 0: the machine's cores shared among the servers",
    )
    parser.add_argument(
        "--servers", type=int, default=1, help="gunicorn instances; more than one behind nginx"
    )
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument(
        "--writes", default="api_signal,api_add_note", help="API writes, each at 1 and 16 users"
    )
    parser.add_argument("--skip-generate", action="store_true", help="the region is there")
    parser.add_argument(
        "--sweep",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="after the runs, walk every page as every role (bench/sweep.py)",
    )
    args = parser.parse_args(argv)
    args.workers = args.workers or workers_per_server(args.servers)
    # Stopped from outside, still stop gunicorn (the `finally` below).
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL database (scripts/with_postgres.sh).")
        return 2
    env = _env()
    generation: dict[str, Any] = {}
    if not args.skip_generate:
        _manage("migrate", "--noinput", "-v", "0", env=env)
        started = time.perf_counter()
        subprocess.run(
            [str(BIN / "python"), "-m", "bench.region", "--scale", str(args.scale)],
            cwd=ROOT,
            env=env,
            check=True,
        )
        generation = {"seconds": round(time.perf_counter() - started, 1)}
    # The static files collected for this run, for the servers and for this process too: the
    # plan check (bench/load/plans.py) renders the pages here, and production's manifest
    # storage answers a page of a fresh clone (nothing collected in var/static) with an error.
    static = tempfile.mkdtemp(prefix="kansrijk-static-")
    os.environ.update(BENCH_ENV, KANSRIJK_STATIC_ROOT=static)
    import django

    django.setup()
    _manage("collectstatic", "--noinput", "-v", "0", env=_env())
    port = _free_port()
    host = f"127.0.0.1:{port}"
    plan = _plan(host)
    plan_path = Path(tempfile.mkstemp(suffix=".json")[1])
    plan_path.write_text(json.dumps(plan))
    sql = _sql_timings()
    upstreams = [port] if args.servers == 1 else [_free_port() for _ in range(args.servers)]
    servers = [_serve(p, args.workers, static) for p in upstreams]
    servers.append(_chainer())
    if args.servers > 1:  # N stateless app servers behind one proxy (bench/load/proxy.py)
        from bench.load import proxy

        servers.append(proxy.start(port, upstreams))
    results: dict[str, Any] = {}
    swept: dict[str, Any] = {}
    probe_start = speed_probe()
    try:
        sign_ins = sign_in_all(host, plan)
        plan_path.write_text(json.dumps(plan))
        # Warm-up, a user per page so that every page is asked: imports, connections, caches.
        _locust(host, plan_path, "mix", len(plan["pages"]), 8)
        firsts = first_views(host, plan)
        # And every login of every page on every worker, not counted: a user's first page on
        # a worker may compile their filter and lists (`first_views`; 33-98 ms of the app's
        # CPU at 1.0 before filters were shared by shape, once a day per worker), and 4
        # workers x 16 logins of first views were a third of a page's 8 s at 16 users, its
        # p95 theirs (measured apart: `docs/operations.md`, stop 58).
        for page in args.pages.split(","):
            _locust(host, plan_path, page, 16, WARM_SECONDS)
        for page in args.pages.split(","):
            results[page] = {}
            for users in (1, 16):
                print(f"--- {page}, {users} user(s)", flush=True)
                results[page][f"users_{users}"] = _locust(
                    host, plan_path, page, users, args.seconds
                )
        print("--- mix, 16 users", flush=True)
        mix = _locust(host, plan_path, "mix", 16, args.seconds * 2)
        writes: dict[str, Any] = {}
        for page in filter(None, args.writes.split(",")):
            writes[page] = {}
            for users in (1, 16):
                print(f"--- {page}, {users} user(s)", flush=True)
                writes[page][f"users_{users}"] = _locust(host, plan_path, page, users, args.seconds)
        if args.sweep:  # every page as every role, not only the ten (bench/sweep.py)
            from bench import sweep

            print("--- every page as every role", flush=True)
            RESULTS.mkdir(exist_ok=True)
            out = RESULTS / f"sweep_{args.scale:g}.json"
            swept = sweep.walk(host, sweep.LOGINS, out, warm=args.workers * args.servers)
    finally:
        for server in reversed(servers):
            server.terminate()
            server.wait(timeout=30)
    probe_end = speed_probe()
    print("--- plans", flush=True)
    from bench.load.plans import check, check_sweep

    plans = check()
    if args.sweep:  # every page and API read of the sweep, each distinct query once
        from bench.sweep import LOGINS

        plans["sweep"] = check_sweep(LOGINS)
    page_p50 = {
        "attention_list": results.get("attention_list", {})
        .get("users_1", {})
        .get("attention_list", {})
        .get("p50_ms"),
        "coordinator_open_cases": results.get("coordinator_my_work", {})
        .get("users_1", {})
        .get("coordinator_my_work", {})
        .get("p50_ms"),
        "teacher_signals": results.get("teacher_my_work", {})
        .get("users_1", {})
        .get("teacher_my_work", {})
        .get("p50_ms"),
    }
    report = {
        "scale": args.scale,
        "servers": args.servers,
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine([probe_start, probe_end]),
        "server": f"gunicorn --workers {args.workers}, kansrijk.conf.production",
        "seconds_per_run": args.seconds,
        "generation": generation,
        "region": {
            k: v for k, v in plan["pages"].items() if k in ("coordinator_agenda", "case_many_steps")
        },
        "pages": results,
        "mix_16_users": mix,
        "first_views": firsts,
        "writes": writes,
        "plans": plans,
        "sweep": swept,
        "sql_ms": sql,
        "sign_in_ms": {
            "count": len(sign_ins),
            "p50": round(statistics.median(sign_ins), 1),
            "max": round(max(sign_ins), 1),
        },
        "page_vs_sql": {
            name: round(page_p50[name] / sql[name], 1) if page_p50.get(name) and sql[name] else None
            for name in sql
        },
    }
    RESULTS.mkdir(exist_ok=True)
    suffix = f"_{args.servers}servers" if args.servers > 1 else ""
    path = RESULTS / f"load_{args.scale:g}{suffix}.json"
    path.write_text(json.dumps(report, indent=1))
    growth = _growth(args.scale)
    if growth:
        report["growth"] = growth
        path.write_text(json.dumps(report, indent=1))
    print(
        json.dumps({p: {u: v.get(p) for u, v in r.items()} for p, r in results.items()}, indent=1)
    )
    print(
        "mix:",
        json.dumps(mix["_all"]),
        "load:",
        mix["_load_average"],
        "client CPU ms/request:",
        mix["_client_cpu_ms"],
    )
    for page, runs in writes.items():
        summary = {
            u: {k: r.get(page, {}).get(k) for k in ("p50_ms", "p95_ms", "per_second", "failures")}
            for u, r in runs.items()
        }
        print("write:", page, json.dumps(summary))
    print("queries planned worse than they could be (bench/load/plans.py):", plans["flagged"])
    if "sweep" in plans:
        print("... of every page as every role:", json.dumps(plans["sweep"]["flagged"]))
        exports = [
            {k: e[k] for k in ("auto", "generic", "custom", "page_runs_it", "pages")}
            for e in plans["sweep"]["streamed_exports"]
        ]
        print("... streamed exports' reads, judged by their plan:", json.dumps(exports))
    print("page vs SQL:", report["page_vs_sql"], "written to", path)
    if any(int(status) >= 500 for status in swept.get("statuses", {})):
        print("server errors on the walk of every page:", swept["file"])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
