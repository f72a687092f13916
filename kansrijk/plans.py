"""Queries run with the plan chosen for them: the permission filters' reads with the plan
PostgreSQL keeps, the lists over a user's whole set of case ids with a plan made for them.

The production settings prepare a query a connection runs again (`prepare_threshold`), and
PostgreSQL then chooses per execution between a plan made for the parameters at hand (a
custom plan, planned anew each time) and one generic plan it keeps. It judges by the plans'
estimated costs, not by the time planning takes, and a kept plan cannot know how many ids an
array parameter holds:

- for the access filters' reads (the ids a user may see, the grants per case of a list) the
  generic plan's estimate is higher, so it planned anew every time, and planning these long
  queries costs more than running them: an agenda's grants per case 15.8 ms a page with a
  custom plan, 6.7 ms with the generic one (issue 17, region at 0.05; the case lists
  10.1 → 5.8 ms). They run with the kept plan (`GENERIC`), as do the lists that carry a
  filter and take longer to plan than to run (the joint list of vulnerable families, the
  experience list, the API's own signals, an inzage's cases: 2-4.4 ms planned anew,
  0.1-0.7 kept; region at 1.0) and a specialist's membership facts, read on every request.
- for a query over an array of ids the kept plan guesses how many there are: over the ids
  of a user's whole list (a coordinator's ~1,500 cases at 0.05, more in a larger region)
  it looks up every id by its index, where a plan made for 1,500 ids scans the table once.
  The coordinator's ranked open cases 10.5 → 6.8 ms, the counts per state 4.9 → 2.8 ms.
  They run with a plan made for the ids at hand (`CUSTOM`).

Other queries keep PostgreSQL's own choice: for a teacher's signals the generic plan was
three times slower, for a family's children the custom one. But not a page of the access log
about one family (`planned_anew`): its generic plan reads the log backwards by id, filtering
every entry, and is estimated cheap because of the page's LIMIT. PostgreSQL took it at the
privacy officer's eighth search of a child on one connection: 30-60 ms became 430-525 ms of
database time on the region at 1.0 (10 M entries), and more as the log grows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal

from django.db import connections

from kansrijk.pg_binary import read_binary

#: PostgreSQL's `plan_cache_mode` for a query.
Plan = Literal["force_generic_plan", "force_custom_plan"]
GENERIC: Plan = "force_generic_plan"
CUSTOM: Plan = "force_custom_plan"


def rows_planned(sql: str, params: Sequence[Any], plan: Plan, using: str = "default") -> list[Any]:
    """The rows of `sql`, run with `plan` once the connection has prepared it.

    `CUSTOM`: the query is sent unprepared (psycopg's `prepare_threshold` off for it, a Python
    attribute, no round trip), and PostgreSQL plans an unnamed statement for the parameters
    at hand, which is what a custom plan is; no setting to send and set back.
    `GENERIC`: the setting is sent with the query and set back after it in the same round
    trip (psycopg's pipeline: three statements, one wait), so it never outlives the query;
    when the query fails, the failure takes the setting back with it (outside a transaction
    the pipeline's statements are one implicit transaction; inside one, its rollback).
    Elsewhere (SQLite, prepared statements off, a libpq without pipelines) a plain query."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if not _kept_plans(connection):
            cursor.execute(sql, params)
            return list(cursor.fetchall())
        raw = connection.connection
        read_binary(cursor)
        if plan == CUSTOM:
            with planned_anew(using):
                cursor.execute(sql, params)
            return list(cursor.fetchall())
        with connection.wrap_database_errors, raw.pipeline():
            raw.execute(f"SET plan_cache_mode = {plan}")
            try:
                cursor.execute(sql, params)
            finally:
                raw.execute("RESET plan_cache_mode")
        return list(cursor.fetchall())


@contextmanager
def planned_anew(using: str = "default") -> Iterator[None]:
    """Every query run inside is planned for its parameters (a custom plan): sent unprepared
    (psycopg's `prepare_threshold` off, a Python attribute, no round trip), even one this
    connection prepared before. Evaluate the querysets inside. Elsewhere nothing changes."""
    connection = connections[using]
    if not _kept_plans(connection):
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    threshold = raw.prepare_threshold
    raw.prepare_threshold = None
    try:
        yield
    finally:
        raw.prepare_threshold = threshold


def _kept_plans(connection: Any) -> bool:
    """PostgreSQL with prepared statements on, and a libpq that sends pipelines (14 and on)."""
    if connection.vendor != "postgresql":
        return False
    if not connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"):
        return False
    import psycopg

    return bool(psycopg.Pipeline.is_supported())
