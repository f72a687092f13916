"""Data a module shares (tests/module_data.py) is analyzed once built, on PostgreSQL: the
planner estimates its rows from statistics of those rows, not of the empty tables a worker's
earlier tests left (a plan for one row per table made one of the demo's tests take 83 s)."""

from __future__ import annotations

import pytest
from django.db import connection

from kansrijk.core.models import Organisation
from tests.module_data import module_data

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner"),
]

ROWS = 2_000


def _build() -> int:
    kinds = [kind for kind, _ in Organisation.Kind.choices]
    Organisation.objects.bulk_create(
        Organisation(name=f"Organisatie {i:05}", kind=kinds[i % len(kinds)]) for i in range(ROWS)
    )
    return Organisation.objects.count()


organisations = module_data(_build)


def _estimate(sql: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    return float(plan[0]["Plan"]["Plan Rows"])


def test_the_planner_knows_the_modules_rows(organisations: int) -> None:
    assert organisations >= ROWS
    # Without statistics the planner guesses from the table's size alone and knows nothing of
    # a column's values: a kind that one in len(kinds) rows has would be a default guess.
    kinds = len(Organisation.Kind.choices)
    estimate = _estimate("SELECT id FROM core_organisation WHERE kind = 'police'")
    assert organisations / kinds * 0.5 <= estimate <= organisations / kinds * 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'core_organisation'")
        assert cursor.fetchone()[0] >= 2  # the columns' statistics are there
