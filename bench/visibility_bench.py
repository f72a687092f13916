"""The permission filter on a generated region (issue 17, point 1): per role, the matrix's
case filter as the lists and the case page use it, with its PostgreSQL plan and timing.

    DATABASE_URL=... DJANGO_SETTINGS_MODULE=kansrijk.conf.production ... \\
        .venv/bin/python -m bench.visibility_bench --label after

Runs on a database that `bench.region` filled (`make bench-region` or by hand). Writes
bench/results/visibility_<scale>_<label>.json: per login, the number of cases visible, the
median time of the first page of 25 visible cases (list order) and of counting them all,
the time of the single-case check, and the `EXPLAIN (ANALYZE, BUFFERS)` plan of the list.
The filter costs what the user's own relations cost when the rows the plan reads do not
grow with the region.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
#: One login per role that sees cases through a relation of the matrix.
LOGINS = (
    "leerkracht.c001",
    "ib.c001",
    "directeur.c001",
    "gs.c001",
    "regisseur.g01",
    "swv.g01",
    "verpleegkundige.g01",
    "psycholoog.g01",
    "wijkteam.g01",
    "wijkagent.g01",
)


def _median_ms(run: Any, times: int = 7) -> float:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 2)


def _plan(queryset: Any) -> tuple[list[str], dict[str, Any]]:
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
        tree = cursor.fetchone()[0][0]
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        text = [row[0] for row in cursor.fetchall()]
    return text, tree


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", default="now")
    parser.add_argument("--scale", default="", help="for the file name (read from the data)")
    args = parser.parse_args(argv)
    import django

    django.setup()
    from kansrijk.access.matrix import Action
    from kansrijk.access.policies import can, filter_cases
    from kansrijk.cases.models import Case, Child
    from kansrijk.cases.selectors import cases_visible_to
    from kansrijk.core.models import Professional

    total_cases = Case.objects.count()
    scale = args.scale or f"{Child.objects.count() / 255_000:.2g}"
    rows: dict[str, Any] = {}
    for username in LOGINS:
        user = Professional.objects.filter(username=username).first()
        if user is None:
            continue
        visible = filter_cases(Case.objects.all(), user, Action.EXISTS)
        first_page = cases_visible_to(user)[:25]
        one = visible.values_list("pk", flat=True).first()
        text, tree = _plan(first_page)
        rows[username] = {
            "visible": visible.count(),
            "first_page_ms": _median_ms(lambda q=first_page: list(q.values_list("pk"))),
            "count_ms": _median_ms(visible.count),
            "case_check_ms": _median_ms(lambda u=user, c=one: can(u, Action.SUMMARY, c or 0)),
            "plan_ms": round(tree["Execution Time"], 2),
            "plan_shared_buffers": tree["Plan"].get("Shared Hit Blocks", 0)
            + tree["Plan"].get("Shared Read Blocks", 0),
            "plan": text,
        }
        print(
            f"{username:22} visible {rows[username]['visible']:6}  "
            f"page {rows[username]['first_page_ms']:8} ms  count {rows[username]['count_ms']:8} ms"
            f"  check {rows[username]['case_check_ms']:6} ms  "
            f"buffers {rows[username]['plan_shared_buffers']}",
            flush=True,
        )
    result = {
        "at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "label": args.label,
        "scale": scale,
        "cases": total_cases,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "logins": rows,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"visibility_{scale}_{args.label}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
