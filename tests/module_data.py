"""Data that the tests of one module share: built once per module (per xdist worker) inside a
transaction of its own, rolled back at the module's end; each test runs in a savepoint within
it (pytest-django's `db`), so what a test changes is gone before the next one.

For data that takes a second or more to build (a demo, a hand-countable data set). Once
built, every later test of the module runs on it, asked for or not: a module that uses it
holds only tests that use it (tests/roster/test_demo_seeding.py holds those of the roster
that need an empty database). Not for tests that need committed data (`live_server`,
`transactional_db`): they build their own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import factory.random
import pytest
from django.db import transaction

T = TypeVar("T")


def module_data(build: Callable[[], T]) -> Any:
    """A module-scoped fixture that answers what `build` returns (built as above)."""

    @pytest.fixture(scope="module")
    def fixture(
        request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
    ) -> Iterator[T]:
        factory.random.reseed_random(request.node.nodeid)  # the same names every run
        with django_db_blocker.unblock(), transaction.atomic():
            yield build()
            transaction.set_rollback(True)

    return fixture
