"""Data that the tests of one module share: built once per module (per xdist worker) inside a
transaction of its own, rolled back at the module's end; each test runs in a savepoint within
it (pytest-django's `db`), so what a test changes is gone before the next one.

For data that takes a second or more to build (a demo, a hand-countable data set). Once
built, every later test of the module runs on it, asked for or not: a module that uses it
holds only tests that use it (tests/roster/test_demo_seeding.py holds those of the roster
that need an empty database). Not for tests that need committed data (`live_server`,
`transactional_db`): they build their own.

On PostgreSQL the data is ANALYZEd once built. Autovacuum never sees rows of a transaction
that is not committed, so the planner had only the statistics of the tables as the worker's
earlier tests left them (empty): it planned nested loops for one row each, and one query of
the demo's tests took 83 s in a full run (0.2 s alone). ANALYZE within the transaction
samples its own rows (~0.03 s for the demo); it runs as the owner (tests/roles.py), since
the application's role may not analyze."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import factory.random
import pytest
from django.db import connection, transaction

from tests.roles import as_owner

T = TypeVar("T")


def module_data(build: Callable[[], T]) -> Any:
    """A module-scoped fixture that answers what `build` returns (built as above)."""

    @pytest.fixture(scope="module")
    def fixture(
        request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
    ) -> Iterator[T]:
        factory.random.reseed_random(request.node.nodeid)  # the same names every run
        with django_db_blocker.unblock(), transaction.atomic():
            built = build()
            analyze()
            yield built
            transaction.set_rollback(True)

    return fixture


def analyze() -> None:
    """Fresh planner statistics for what the current transaction holds (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with as_owner(), connection.cursor() as cursor:
            cursor.execute("ANALYZE")
