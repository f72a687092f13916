"""The access log's monthly partitions on PostgreSQL (migration 0006); SQLite has one table.

Each month of `at` (UTC) has its own partition, made ahead of time by the owner role
(`manage.py audit_partitions`, monthly; the application's role may create nothing), and a
default partition takes any entry no month's partition holds, so an insert never fails.
Pruning drops a month's partition when every entry in it lies in the pruned prefix of the
chain (audit.pruning), instead of deleting its rows one by one.

Each partition is vacuumed by autovacuum after every `VACUUM_AFTER_INSERTS` new entries, and
its part of the listed-ids index (`audit_entry_listed`, migration 0010) collects new keys in
a pending list of up to `PENDING_LIST_KB` (`tune`). With PostgreSQL's defaults (a 4 MB list,
an insert-only table vacuumed after a fifth of its rows) the insert that found the list full
merged it into the index itself: at 140 list entries a second one request in ~20 s waited
40–200 ms for its log entry (docs/operations.md, stop 61). Autovacuum now merges it in the
background, about once a minute; a search reads the pending list whole, a few MB at most.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db import DatabaseError, connection, transaction

from kansrijk.audit.models import AccessLogEntry

TABLE = AccessLogEntry._meta.db_table
MONTH = re.compile(rf"^{TABLE}_(\d{{4}})_(\d{{2}})$")


def _next(month: datetime.date) -> datetime.date:
    return (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


#: Autovacuum visits a partition after this many new entries (and no fraction of its size).
VACUUM_AFTER_INSERTS = 5000
#: A partition's listed-ids index may hold this many kB of new keys before an insert merges
#: them (PostgreSQL's default: 4096); autovacuum merges them long before.
PENDING_LIST_KB = 32768
LISTED_INDEX = "audit_entry_listed"


def create_month_sql(month: datetime.date) -> str:
    """The partition for the month holding `month` (boundaries at midnight UTC)."""
    start = month.replace(day=1)
    return (
        f"CREATE TABLE IF NOT EXISTS {TABLE}_{start:%Y_%m} PARTITION OF {TABLE} "
        f"FOR VALUES FROM ('{start.isoformat()} 00:00+00') "
        f"TO ('{_next(start).isoformat()} 00:00+00')"
    )


def partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = %s::regclass", [TABLE])
        row = cursor.fetchone()
    return bool(row and row[0] == "p")


def names() -> list[str]:
    """Every partition of the log (the months and the default); none when not partitioned."""
    if not partitioned():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass ORDER BY c.relname",
            [TABLE],
        )
        return [row[0] for row in cursor.fetchall()]


def months() -> dict[str, datetime.date]:
    """The month partitions that exist: name → first day."""
    found = {}
    for name in names():
        if match := MONTH.match(name):
            found[name] = datetime.date(int(match[1]), int(match[2]), 1)
    return found


def ensure_months(
    ahead: int = 3, today: datetime.date | None = None, first: datetime.date | None = None
) -> tuple[list[str], list[str]]:
    """Create the partitions from `first` (default: this month) to `ahead` months on, and
    take every privilege on them from everyone but their owner: the application reaches them
    through the log table only. Returns (created, refused with the reason)."""
    today = today or datetime.datetime.now(tz=datetime.UTC).date()
    month = (first or today).replace(day=1)
    last = today.replace(day=1)
    for _ in range(ahead):
        last = _next(last)
    existing = months()
    created, refused = [], []
    while month <= last:
        name = f"{TABLE}_{month:%Y_%m}"
        if name not in existing:
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(create_month_sql(month))
                    tune(cursor, name)
                    _revoke_all(cursor, name)
                created.append(name)
            except DatabaseError as error:  # e.g. rows for that month already in the default
                refused.append(f"{name}: {error}")
        month = _next(month)
    return created, refused


def tune(cursor: Any, name: str) -> None:
    """Have autovacuum, not a request, merge this partition's new listed ids into its index
    (see the module's docstring). As the owner role; the index may not exist yet (before
    migration 0010)."""
    cursor.execute(
        f"ALTER TABLE {name} SET (autovacuum_vacuum_insert_threshold = {VACUUM_AFTER_INSERTS}, "
        "autovacuum_vacuum_insert_scale_factor = 0)"
    )
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_index x ON x.indexrelid = c.oid "
        "WHERE i.inhparent = to_regclass(%s) AND x.indrelid = %s::regclass",
        [LISTED_INDEX, name],
    )
    for (index,) in cursor.fetchall():
        quoted = connection.ops.quote_name(index)
        cursor.execute(f"ALTER INDEX {quoted} SET (gin_pending_list_limit = {PENDING_LIST_KB})")


def _revoke_all(cursor: object, name: str) -> None:
    cursor.execute(  # type: ignore[attr-defined]
        "SELECT DISTINCT grantee FROM information_schema.role_table_grants "
        "WHERE table_name = %s AND grantee <> current_user",
        [name],
    )
    for (grantee,) in cursor.fetchall():  # type: ignore[attr-defined]
        role = "PUBLIC" if grantee == "PUBLIC" else connection.ops.quote_name(grantee)
        cursor.execute(f"REVOKE ALL ON {name} FROM {role}")  # type: ignore[attr-defined]


def drop_pruned_months(through_id: int, cutoff: datetime.datetime) -> list[str]:
    """Drop the month partitions that end before the cutoff and hold no entry after
    `through_id` (the last entry of the pruned prefix). Inside pruning's transaction."""
    if not partitioned():
        return []
    dropped = []
    for name, start in sorted(months().items(), key=lambda item: item[1]):
        end = datetime.datetime.combine(_next(start), datetime.time(), tzinfo=datetime.UTC)
        if end > cutoff:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT max(id) FROM {name}")  # noqa: S608
            highest = cursor.fetchone()[0]
            if highest is not None and highest > through_id:
                continue
            # FK checks still pending in this transaction would block the DROP (tests)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"DROP TABLE {name}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        dropped.append(name)
    return dropped
