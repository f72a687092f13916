"""On PostgreSQL the application's queries start no parallel workers (issue 17): at region
scale a coordinator's cases were planned with two, and starting them cost the database ten
times the page's own CPU."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel query is PostgreSQL's"),
]

SCAN = "EXPLAIN SELECT count(*) FROM core_location WHERE name LIKE '%a%'"


def _plan(*settings: str) -> str:
    """The scan's plan with PostgreSQL told to gather from a worker wherever it may (its
    debugging switch: whatever the costs, so whatever the table holds)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        (version,) = cursor.fetchone()
        switch = "debug_parallel_query" if int(version) >= 160000 else "force_parallel_mode"
        cursor.execute(f"SET LOCAL {switch} = on")
        for statement in settings:
            cursor.execute(statement)
        cursor.execute(SCAN)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_applications_connection_starts_no_parallel_workers() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone() == ("0",)
    assert "Gather" not in _plan()


def test_the_same_query_would_start_them_with_the_servers_setting() -> None:
    """The check above can fail: allowed two workers, the same scan gathers from one."""
    assert "Gather" in _plan("SET LOCAL max_parallel_workers_per_gather = 2")
