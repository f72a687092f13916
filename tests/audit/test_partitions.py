"""On PostgreSQL the access log is partitioned by month: entries land in their month, the
chain verifies across partitions, and pruning drops whole months instead of deleting rows."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from kansrijk.audit.models import AccessLogEntry, ChainHead, Event
from kansrijk.audit.partitions import (
    PENDING_LIST_KB,
    TABLE,
    VACUUM_AFTER_INSERTS,
    create_month_sql,
    ensure_months,
    names,
)
from kansrijk.audit.pruning import prune_before
from kansrijk.audit.services import log_access
from kansrijk.audit.verification import verify_log
from tests.roles import as_owner

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgres_only(on_postgres: bool) -> None:
    if not on_postgres:
        pytest.skip("SQLite keeps the access log in one table")


def partition_of(entry: AccessLogEntry) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {TABLE} WHERE id = %s", [entry.pk])  # noqa: S608
        return cursor.fetchone()[0]


def at(days_ago: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days_ago)


def test_entries_land_in_their_month_and_the_chain_verifies_across_partitions() -> None:
    first = (timezone.now() - datetime.timedelta(days=70)).date()
    with as_owner():
        ensure_months(first=first)
    written = [
        log_access(by=None, event=Event.READ, username="p", at=at(days)) for days in (70, 35, 0)
    ]
    assert [partition_of(e) for e in written] == [
        f"{TABLE}_{e.at.astimezone(datetime.UTC):%Y_%m}" for e in written
    ]
    old = log_access(by=None, event=Event.READ, username="p", at=at(3000))
    assert partition_of(old) == f"{TABLE}_default"
    report = verify_log()
    assert report.intact, report.broken
    assert report.entries == 4


def test_pruning_drops_the_months_that_lie_wholly_in_the_pruned_part() -> None:
    now = timezone.now().astimezone(datetime.UTC)
    months = [datetime.date(now.year - 7, month, 1) for month in (3, 4)]
    with as_owner(), connection.cursor() as cursor:
        for month in months:
            cursor.execute(create_month_sql(month))
    stamp = [datetime.datetime(m.year, m.month, 10, tzinfo=datetime.UTC) for m in months]
    for when in (stamp[0], stamp[0], stamp[1]):
        log_access(by=None, event=Event.READ, username="old", at=when)
    young = log_access(by=None, event=Event.READ, username="young")

    with as_owner():  # pruning is the owner role's job
        result = prune_before(now.replace(year=now.year - 6), purpose="test")

    assert result.count == 3
    gone = {f"{TABLE}_{m:%Y_%m}" for m in months}
    assert not gone & set(names())
    record = AccessLogEntry.objects.order_by("-id").first()
    assert record is not None and "partitions dropped" in record.detail
    assert ChainHead.objects.get().pruned == 3
    report = verify_log()
    assert report.intact, report.broken
    assert report.entries == 2  # the young entry and the record of the pruning
    assert AccessLogEntry.objects.filter(pk=young.pk).exists()


def _options(relation: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [relation])
        return set(cursor.fetchone()[0] or ())


def _listed_index_of(partition: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_index x ON x.indexrelid = c.oid "
            "WHERE i.inhparent = 'audit_entry_listed'::regclass AND x.indrelid = %s::regclass",
            [partition],
        )
        return cursor.fetchone()[0]


def test_autovacuum_not_a_request_merges_every_partitions_listed_ids() -> None:
    """With PostgreSQL's defaults the insert that finds a partition's pending list of listed
    ids full (4 MB) merges it into the index, 40-200 ms in one unlucky request; every
    partition, those of migration 0011 and a month made later, leaves it to autovacuum."""
    later = (timezone.now() + datetime.timedelta(days=200)).date()
    with as_owner():
        created, refused = ensure_months(first=later, ahead=8)
    assert created and not refused
    every = names()
    assert f"{TABLE}_default" in every and set(created) <= set(every)
    for partition in every:
        assert {
            f"autovacuum_vacuum_insert_threshold={VACUUM_AFTER_INSERTS}",
            "autovacuum_vacuum_insert_scale_factor=0",
        } <= _options(partition), partition
        index = _listed_index_of(partition)
        assert f"gin_pending_list_limit={PENDING_LIST_KB}" in _options(index), index
