"""On PostgreSQL the application runs as a role that owns nothing (docs/operations.md): with the
grants of audit.grants it reads, appends and links the access log, and the database refuses
it every way to remove or rewrite entries, including switching the trigger off."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.db import DatabaseError, connection, transaction

from kansrijk.audit import partitions
from kansrijk.audit.chaining import chain_pending
from kansrijk.audit.grants import grant_statements
from kansrijk.audit.models import AccessLogEntry, Event
from kansrijk.audit.services import log_access
from kansrijk.audit.verification import verify_log
from tests.audit.test_chain import TABLE, raw
from tests.roles import APP_ROLE, as_owner

pytestmark = pytest.mark.django_db


def _role_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
        return cursor.fetchone() is not None


@pytest.fixture
def as_app_role(on_postgres: bool, settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The test's connection acting as the application's role (all rolled back after)."""
    if not on_postgres:
        pytest.skip("roles and grants exist on PostgreSQL only")
    settings.KANSRIJK_AUDIT_CHAIN_INLINE = False
    role = APP_ROLE
    with as_owner():
        if not _role_exists(role):
            role = f"kansrijk_app_test_{os.getpid()}"
            raw(f'CREATE ROLE "{role}" NOLOGIN')  # rolled back with the test
        # exactly production's grants (the suite's test-runner extras revoked on the log)
        statements = grant_statements(role, connection.ops.quote_name, partitions.names())
        for statement in statements:
            raw(statement)
        raw(f'SET ROLE "{role}"')
    yield


def test_the_application_role_reads_appends_and_links(as_app_role: None) -> None:
    written = [
        log_access(by=None, event=Event.READ, username="app", detail=str(n)) for n in range(3)
    ]
    assert chain_pending() == 3
    report = verify_log()
    assert report.intact and report.entries == 3
    assert AccessLogEntry.objects.get(pk=written[0].pk).entry_hash is not None


@pytest.mark.parametrize(
    "sql",
    [
        f"DELETE FROM {TABLE}",  # noqa: S608
        f"TRUNCATE {TABLE}",
        f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_accesslogentry_append_only",
        f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL",
        f"DROP TRIGGER audit_accesslogentry_append_only ON {TABLE}",
        f"DROP TABLE {TABLE}",
        f"UPDATE {TABLE} SET detail = 'changed'",  # noqa: S608
        f"DELETE FROM {TABLE}_default",  # noqa: S608
        f"TRUNCATE {TABLE}_default",
        f"DROP TABLE {TABLE}_default",
        "DELETE FROM audit_chainhead",
        "TRUNCATE audit_chainhead",
        "ALTER TABLE audit_chainhead DISABLE TRIGGER ALL",
        "CREATE OR REPLACE FUNCTION audit_accesslogentry_append_only() RETURNS trigger "
        "AS $$ BEGIN RETURN OLD; END; $$ LANGUAGE plpgsql",
    ],
)
def test_the_application_role_cannot_remove_or_rewrite_the_log(as_app_role: None, sql: str) -> None:
    log_access(by=None, event=Event.READ, username="app", detail="kept")
    chain_pending()
    with (
        pytest.raises(DatabaseError, match=r"permission denied|must be owner"),
        transaction.atomic(),
    ):
        raw(sql)
    assert verify_log().intact
    assert AccessLogEntry.objects.filter(detail="kept").exists()
