"""Walk every page as every role on a generated region, and flag the costly ones (issue 17).

The load test measures ten pages; a probe walks them all. This asks every GET page and API
operation, with ids of the login's own centre where it takes one (its newest case, child,
family, meeting, file, handover, arrangement), as one login of each role of
`bench.region`, through a running server with KANSRIJK_BENCH_METRICS=1 (the load test's
gunicorn, or `bench/load` started by hand). It writes per page the status, the app and
database CPU of the cheapest of three views after a warm-up (`--warm`: a view per worker of
the server), the queries, the size and the time to the last byte, and prints the pages over the
limits (5xx, more than 40 ms of CPU, more than 15 queries) and the costliest 40. A streamed
answer (the inzage's JSON) is costed by its time to the last byte: the server's figures end
where its body starts.

    python -m bench.sweep --host 127.0.0.1:8000 [--warm 4] [--logins ib.c001,...] [--out FILE]

Run with the settings and DATABASE_URL of the server: ids and the pages' names come from
the database and the URL configuration. `python -m bench.load` (`make bench`) walks them
after its runs, against its own server, into bench/results/sweep_<scale>.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.visibility_bench import LOGINS as CASE_LOGINS

#: One login per role: those that see cases through the matrix, the behavioural scientist, the
#: policy officer, the privacy officer and the administrator.
LOGINS = [*CASE_LOGINS, "gedragswetenschapper.g01", "beleid.m1", "privacy.bench", "beheer.bench"]
#: A page over one of these is flagged.
CPU_MS, QUERIES = 40.0, 15


def _samples(username: str) -> dict[str, Any]:
    """Per URL argument, an id (or code) of the login's own centre, its newest: the case, the
    centre, a child and its family, a meeting (one of their own first), a dyslexia file, a
    handover, an arrangement, homework support; the login itself (their week) and their
    newest inzage PDF. A login of no centre gets the first centre's ids: the pages it may
    not open answer 404, and the privacy officer's search and exports are asked."""
    from django.db.models import Q

    from kansrijk.cases.models import Case, Child
    from kansrijk.core.models import Location, Membership, Professional
    from kansrijk.dyslexia.models import DyslexiaFile
    from kansrijk.early_years.models import Handover
    from kansrijk.homework.models import HomeworkSupport
    from kansrijk.meetings.models import Meeting
    from kansrijk.privacy.models import InzageFile
    from kansrijk.special_education.models import Arrangement

    def newest(query: Any) -> Any:
        return query.order_by("-pk").values_list("pk", flat=True).first()

    memberships = Membership.objects.filter(professional__username=username)
    centres = list(memberships.exclude(location=None).values_list("location", flat=True))
    if not centres:  # the privacy officer, the policy officer, the administrator: the first
        centres = list(Location.objects.filter(code="bench-c001").values_list("pk", flat=True))
    child = newest(Child.objects.filter(location__in=centres))
    code = Location.objects.filter(pk__in=centres).order_by("pk").values_list("code", flat=True)
    found = {
        "case_id": newest(Case.objects.filter(location__in=centres)),
        "location_code": code.first(),
        "code": code.first(),
        "child_id": child,
        "family_id": Child.objects.filter(pk=child).values_list("family_id", flat=True).first(),
        # A meeting of their own (they chair it or sit at its table), else their centre's.
        "pk": newest(
            Meeting.objects.filter(
                Q(chair__username=username) | Q(participants__professional__username=username)
            )
        )
        or newest(Meeting.objects.filter(location__in=centres)),
        "file_id": newest(DyslexiaFile.objects.filter(child__location__in=centres)),
        "handover_id": newest(Handover.objects.filter(from_location__in=centres)),
        "arrangement_id": newest(Arrangement.objects.filter(child__location__in=centres)),
        "support_id": newest(HomeworkSupport.objects.filter(child__location__in=centres)),
        "person": Professional.objects.get(username=username).pk,
        "inzage_file": newest(InzageFile.objects.filter(requested_by__username=username)),
    }
    return {k: v for k, v in found.items() if v is not None}


def _urls(samples: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(page name, URL) of the pages this login is walked through: every GET page whose
    arguments have a sample (`_samples`; a person's week is the login's own), and the
    administration's lists and forms; not the public pages a token opens, nor the family
    portal."""
    from django.urls import NoReverseMatch, reverse

    from kansrijk.access.pages import PAGES, Scope, named_pages

    for name, arguments in sorted(named_pages().items()):
        rule = PAGES[name]
        if rule.method != "GET" or rule.scope == Scope.FAMILY:
            continue
        if name.startswith("admin:") and arguments:
            continue  # an object of the administration: its lists and forms are enough
        values = samples
        if name == "roster:person_week":
            values = dict(samples, pk=samples["person"])
        elif name == "privacy:inzage_file":  # their own PDF, not a dyslexia file's id
            values = {k: v for k, v in samples.items() if k != "file_id"}
            if "inzage_file" in samples:
                values["file_id"] = samples["inzage_file"]
        if any(argument not in values for argument in arguments):
            continue
        try:
            url = reverse(name, kwargs={a: values[a] for a in arguments})
        except NoReverseMatch:  # a page whose arguments are in the URL's pattern only
            continue
        yield name, url
        for field, sample in SEARCHES.get(name, ()):
            if sample in values:
                yield f"{name} ?{field}", f"{url}?{field}={values[sample]}"


#: Pages and API reads that search with what their query string holds, and for each the
#: field and the sample it is asked with: the privacy officer's search of the access log
#: for a child, a family and a case (the page is one form; searched, it reads the log).
SEARCHES = {
    "audit:officer": [("child", "child_id"), ("family", "family_id"), ("case", "case_id")],
    "GET /api/audit/entries": [("child", "child_id"), ("family", "family_id")],
}


def _api_urls(samples: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(operation, URL) of every GET operation of the API, its path's ids the login's own
    (`_samples`: a location's id is its centre's, a meeting's its newest)."""
    from kansrijk.api import api
    from kansrijk.core.models import Location

    code = samples.get("location_code")
    values = {
        **samples,
        "meeting_id": samples.get("pk"),
        "location_id": Location.objects.filter(code=code).values_list("pk", flat=True).first(),
    }
    for path, operations in sorted(api.get_openapi_schema()["paths"].items()):
        if "get" not in operations:
            continue
        names = re.findall(r"{(\w+)}", path)
        if any(values.get(name) is None for name in names):
            continue
        name, url = f"GET {path}", re.sub(r"{(\w+)}", lambda m: str(values[m.group(1)]), path)
        yield name, url
        for field, sample in SEARCHES.get(name, ()):
            if values.get(sample) is not None:
                yield f"{name} ?{field}", f"{url}?{field}={values[sample]}"


def pages(username: str) -> list[tuple[str, str]]:
    """(page name, URL) of every page and API read this login is walked through."""
    samples = _samples(username)
    return [*_urls(samples), *_api_urls(samples)]


def _cost_ms(row: dict[str, Any]) -> float:
    """What a view cost: the server's CPU, app and database; of a streamed view (the inzage's
    JSON, whose figures end where its body starts) the time to its last byte."""
    if row.get("streamed"):
        return float(row["wall_ms"])
    return float(row["app_cpu_ms"] + row["db_cpu_ms"])


def walk(host: str, logins: list[str], out: Path, warm: int = 1) -> dict[str, Any]:
    """Walk the pages as these logins (Django set up, the server at `host`), write the rows to
    `out`, print the pages over the limits and the costliest; a summary for a report.
    `warm`: views of each page before the three measured, one per worker of the server (a
    worker's first view of a page compiles its filters and lists)."""
    from bench.load.run import sign_in
    from bench.region import BENCH_PASSWORD, bench_key

    address, port = host.split(":")
    connection = http.client.HTTPConnection(address, int(port), timeout=300)
    rows: list[dict[str, Any]] = []
    for username in logins:
        jar = sign_in(host, username, BENCH_PASSWORD, bench_key(username))[0]
        cookie = "; ".join(f"{k}={v}" for k, v in jar.items())

        def view(url: str, cookie: str = cookie) -> dict[str, Any]:
            headers = {"X-Forwarded-Proto": "https", "Cookie": cookie, "Host": host}
            started = time.perf_counter()
            connection.request("GET", url, headers=headers)
            response = connection.getresponse()
            size = len(response.read())
            return {
                "status": response.status,
                "app_cpu_ms": float(response.getheader("X-Bench-App-CPU-ms") or 0),
                "db_cpu_ms": float(response.getheader("X-Bench-DB-CPU-ms") or 0),
                "queries": int(response.getheader("X-Bench-Queries") or 0),
                "kb": size // 1024,
                "wall_ms": round((time.perf_counter() - started) * 1000, 2),
                "streamed": response.getheader("X-Bench-Streamed") == "1",
            }

        for name, url in pages(username):
            for _ in range(warm):
                view(url)
            # The cheapest of three: which worker answers is the server's choice.
            best = min((view(url) for _ in range(3)), key=_cost_ms)
            rows.append({"login": username, "page": name, "url": url, **best})
    out.write_text(json.dumps(rows, indent=1))
    over = [
        row
        for row in rows
        if row["status"] >= 500 or _cost_ms(row) > CPU_MS or row["queries"] > QUERIES
    ]
    for row in over:
        print("over", json.dumps(row), flush=True)
    statuses: dict[str, int] = {}
    for row in rows:
        statuses[str(row["status"])] = statuses.get(str(row["status"]), 0) + 1
    costliest = sorted(rows, key=lambda r: -_cost_ms(r))[:40]
    print("costliest:")
    for row in costliest:
        print(json.dumps(row))
    print("statuses", statuses, "views", len(rows))
    return {"views": len(rows), "statuses": statuses, "over": over, "file": out.name}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1:8000")
    parser.add_argument("--logins", default=",".join(LOGINS))
    parser.add_argument("--out", default="bench/results/sweep.json")
    parser.add_argument("--warm", type=int, default=1, help="views before measuring: workers")
    args = parser.parse_args(argv)
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()
    summary = walk(args.host, args.logins.split(","), Path(args.out), args.warm)
    return 1 if any(int(status) >= 500 for status in summary["statuses"]) else 0


if __name__ == "__main__":
    sys.exit(main())
