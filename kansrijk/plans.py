"""Queries whose plan PostgreSQL keeps: the permission filters' reads.

The production settings prepare a query a connection runs again (`prepare_threshold`), and
PostgreSQL then chooses per execution between a plan made for the parameters at hand (a
custom plan, planned anew each time) and one generic plan it keeps. It judges by the plans'
estimated costs, not by the time planning takes; for the access filters' reads (the ids a
user may see, the grants per case of a list) the generic plan's estimate is higher, so it
plans anew every time, and planning these long queries costs more than running them: an
agenda's grants per case 15.8 ms a page with a custom plan, 6.7 ms with the generic one
(issue 17, region at 0.05; the case lists 10.1 → 5.8 ms). Other queries keep PostgreSQL's
own choice: for a teacher's signals the generic plan was three times slower.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections


def rows_with_generic_plan(sql: str, params: Sequence[Any], using: str = "default") -> list[Any]:
    """The rows of `sql`, run with PostgreSQL's kept generic plan once the connection has
    prepared it. The setting is sent with the query and set back after it in the same round
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
        with connection.wrap_database_errors, raw.pipeline():
            raw.execute("SET plan_cache_mode = force_generic_plan")
            try:
                cursor.execute(sql, params)
            finally:
                raw.execute("RESET plan_cache_mode")
        return list(cursor.fetchall())


def _kept_plans(connection: Any) -> bool:
    """PostgreSQL with prepared statements on, and a libpq that sends pipelines (14 and on)."""
    if connection.vendor != "postgresql":
        return False
    if not connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"):
        return False
    import psycopg

    return bool(psycopg.Pipeline.is_supported())
