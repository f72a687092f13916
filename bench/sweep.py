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
        [--no-portal]

Run with the settings and DATABASE_URL of the server: ids and the pages' names come from
the database and the URL configuration. `python -m bench.load` (`make bench`) walks them
after its runs, against its own server, into bench/results/sweep_<scale>.json.
"""

from __future__ import annotations

import argparse
import datetime
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
    portal (`portal_pages`, walked as its members)."""
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


#: Portal pages asked with a query string: the inzage's download, as JSON.
PORTAL_QUERIES = {"portal:inzage_download": "?form=json"}


def portal_pages() -> list[tuple[str, str]]:
    """(page name, URL) of every GET page of the family portal (`Scope.FAMILY`): about the
    signed-in family member's own family, so none takes an id."""
    from django.urls import reverse

    from kansrijk.access.pages import PAGES, Scope, named_pages

    found = []
    for name, arguments in sorted(named_pages().items()):
        rule = PAGES[name]
        if rule.scope == Scope.FAMILY and rule.method == "GET" and not arguments:
            query = PORTAL_QUERIES.get(name, "")
            found.append((f"{name} {query}".strip(), reverse(name) + query))
    return found


def portal_sessions() -> list[tuple[str, str]]:
    """(label, session key) of family members signed in to the portal: a parent with
    parental authority of the family whose case has the region's longest journal, and of the
    first centre's newest case; a young person of 12 or older of the first centre. Their
    sessions are begun as the DigiD callback begins one (`portal.visitors.sign_in`; the
    sign-in at the broker is tested in tests/portal). Each family has asked for its
    inzage (a row, as the portal's request writes it; no PDF is queued), so that its JSON
    download answers."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Count
    from django.http import HttpRequest
    from django.utils import timezone

    from kansrijk.cases.models import Case, Child, Guardian, Step
    from kansrijk.core.models import Location
    from kansrijk.portal.models import InzageRequest
    from kansrijk.portal.visitors import OWN_LOGIN_AGE, Visitor, sign_in

    store = import_module(settings.SESSION_ENGINE).SessionStore
    first = list(Location.objects.filter(code="bench-c001").values_list("pk", flat=True))
    longest = Step.objects.values("case_id").annotate(n=Count("id")).order_by("-n")[:1]
    families = [
        Case.objects.filter(pk__in=longest.values("case_id")).values_list("family", flat=True),
        Case.objects.filter(location__in=first).order_by("-pk").values_list("family", flat=True),
    ]
    today = timezone.localdate()
    born_by = datetime.date(today.year - OWN_LOGIN_AGE, today.month, min(today.day, 28))
    teens = Child.objects.filter(location__in=first, date_of_birth__lte=born_by).order_by("pk")
    teen = teens.first()
    members: list[tuple[str, Visitor]] = []
    for family in dict.fromkeys(f for f in (q.first() for q in families) if f is not None):
        parent = Guardian.objects.filter(family=family, parental_authority=True).order_by("pk")
        if (guardian := parent.first()) is not None:
            if not InzageRequest.objects.filter(family=family).exists():
                InzageRequest.objects.create(
                    family_id=family, guardian=guardian, delivered_at=timezone.now()
                )
            members.append((f"ouder.gezin{family}", Visitor(family, guardian=guardian)))
    if teen is not None:
        members.append((f"jongere.kind{teen.pk}", Visitor(teen.family_id, young_person=teen)))
    sessions = []
    for label, visitor in members:
        request = HttpRequest()
        request.session = store()
        request.user = AnonymousUser()
        sign_in(request, visitor)
        request.session.save()
        sessions.append((label, str(request.session.session_key)))
    return sessions


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


def walk(
    host: str, logins: list[str], out: Path, warm: int = 1, portal: bool = True
) -> dict[str, Any]:
    """Walk the pages as these logins (Django set up, the server at `host`), and the family
    portal's as its members (`portal_sessions`, unless not `portal`), write the rows to
    `out`, print the pages over the limits and the costliest; a summary for a report.
    `warm`: views of each page before the three measured, one per worker of the server (a
    worker's first view of a page compiles its filters and lists)."""
    from django.conf import settings

    from bench.load.run import sign_in
    from bench.region import BENCH_PASSWORD, bench_key

    address, port = host.split(":")
    connection = http.client.HTTPConnection(address, int(port), timeout=300)
    rows: list[dict[str, Any]] = []

    def view(url: str, cookie: str) -> dict[str, Any]:
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

    def measure(login: str, cookie: str, walked: list[tuple[str, str]]) -> None:
        for name, url in walked:
            for _ in range(warm):
                view(url, cookie)
            # The cheapest of three: which worker answers is the server's choice.
            best = min((view(url, cookie) for _ in range(3)), key=_cost_ms)
            rows.append({"login": login, "page": name, "url": url, **best})

    for username in logins:
        jar = sign_in(host, username, BENCH_PASSWORD, bench_key(username))[0]
        measure(username, "; ".join(f"{k}={v}" for k, v in jar.items()), pages(username))
    if portal:
        for label, key in portal_sessions():
            measure(label, f"{settings.SESSION_COOKIE_NAME}={key}", portal_pages())
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
    parser.add_argument(
        "--no-portal", action="store_true", help="not the family portal as its members"
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()
    summary = walk(
        args.host, args.logins.split(","), Path(args.out), args.warm, portal=not args.no_portal
    )
    return 1 if any(int(status) >= 500 for status in summary["statuses"]) else 0


if __name__ == "__main__":
    sys.exit(main())
