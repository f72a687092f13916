"""The PostgreSQL half of the suite runs as the application's role, as production does.

scripts/with_postgres.sh connects as the owner role `kansrijk_owner` (it creates and migrates
the test databases) and creates `kansrijk_app`, which owns nothing. Once the databases are
migrated, every connection does `SET ROLE kansrijk_app` with the grants of audit.grants, plus
what only the test runner needs (TRUNCATE to empty the tables between transactional tests,
sequence resets). Tests that play the owner (an attacker with the owner's rights, the monthly
pruning) step out with `as_owner()`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, connections
from django.db.backends.signals import connection_created

APP_ROLE = "kansrijk_app"
#: Only the test runner's needs on top of production's grants.
TEST_RUNNER_GRANTS = [
    f'GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO "{APP_ROLE}"',
    f'GRANT UPDATE ON ALL SEQUENCES IN SCHEMA public TO "{APP_ROLE}"',
]


def _set_role(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'SET ROLE "{APP_ROLE}"')


def _can_act_as_app_role() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_has_role(current_user, oid, 'USAGE') FROM pg_roles "
                       "WHERE rolname = %s", [APP_ROLE])  # fmt: skip
        row = cursor.fetchone()
    return bool(row and row[0])


def run_as_app_role(django_db_blocker: Any) -> Iterator[None]:
    """Session fixture body: grant, then make every new connection act as the app role."""
    from kansrijk.audit import partitions
    from kansrijk.audit.grants import grant_statements

    with django_db_blocker.unblock():
        active = _can_act_as_app_role()
        if active:
            with connection.cursor() as cursor:
                grants = grant_statements(APP_ROLE, partitions=partitions.names())
                for statement in [*grants, *TEST_RUNNER_GRANTS]:
                    cursor.execute(statement)
            connection_created.connect(_set_role)
            connections.close_all()
    try:
        yield
    finally:
        if active:
            connection_created.disconnect(_set_role)
            with django_db_blocker.unblock():
                connections.close_all()


@contextmanager
def as_owner() -> Iterator[None]:
    """Step out of the app role for a moment (the owner's rights), and back."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, session_user")
        current, session = cursor.fetchone()
        if current != session:
            cursor.execute("RESET ROLE")
    try:
        yield
    finally:
        if current != session:
            with connection.cursor() as cursor:
                cursor.execute(f'SET ROLE "{current}"')
