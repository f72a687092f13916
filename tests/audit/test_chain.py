"""The access log's hash chain: audit_verify finds every change, deletion and insertion, and
the application cannot change or delete entries (model refusal; PostgreSQL trigger)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from kansrijk.audit import chain
from kansrijk.audit.models import AccessLogEntry, AppendOnlyError, ChainHead, Event
from kansrijk.audit.services import log_access
from kansrijk.audit.verification import verify_log
from tests.roles import as_owner

TABLE = "audit_accesslogentry"
TRIGGER = "audit_accesslogentry_append_only"


def entries(count: int) -> list[AccessLogEntry]:
    return [
        log_access(by=None, event=Event.READ, username="system", case_id=n, detail=f"read {n}")
        for n in range(count)
    ]


def verify_command() -> str:
    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def broken() -> tuple[int, str]:
    """Run audit_verify expecting exit code 1; the id and reason it names."""
    with pytest.raises(CommandError) as failure:
        verify_command()
    assert failure.value.returncode == 1
    report = verify_log()
    assert report.broken is not None
    assert f"#{report.broken.entry_id}:" in str(failure.value)
    return report.broken.entry_id, report.broken.reason


@contextmanager
def as_attacker() -> Iterator[None]:
    """A user with rights on the database itself: on PostgreSQL the trigger first refuses,
    then the table's owner switches it off (rolled back with the test's transaction)."""
    if connection.vendor == "postgresql":
        with as_owner(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks before ALTER
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER}")
        try:
            with as_owner():
                yield
        finally:
            with as_owner(), connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TRIGGER}")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        yield


def raw(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def skip_ids(count: int) -> None:
    """Leave a gap in the id sequence, as rolled-back transactions do in production."""
    if connection.vendor == "postgresql":
        sequence = f"pg_get_serial_sequence('{TABLE}', 'id')"
        raw(f"SELECT setval({sequence}, (SELECT max(id) FROM {TABLE}) + %s)", [count])  # noqa: S608
    else:
        raw("UPDATE sqlite_sequence SET seq = seq + %s WHERE name = %s", [count, TABLE])


def insert_row(entry_id: int, previous_hash: str, values: dict[str, object]) -> None:
    columns = ["id", "previous_hash", "entry_hash", *values]
    placeholders = ", ".join(["%s"] * len(columns))
    raw(
        f"INSERT INTO {TABLE} ({', '.join(columns)}) VALUES ({placeholders})",  # noqa: S608
        [entry_id, previous_hash, chain.link(previous_hash, values), *values.values()],
    )


def forged_values(entry: AccessLogEntry) -> dict[str, object]:
    values = {name: getattr(entry, name) for name in chain.CHAINED_FIELDS}
    values["detail"] = "forged"
    return values


pytestmark = pytest.mark.django_db


def test_an_intact_chain_verifies_with_exit_code_0() -> None:
    entries(5)
    assert verify_command().startswith("5 entries, chain intact")


def test_an_empty_log_verifies() -> None:
    assert verify_command().startswith("0 entries, chain intact")


def test_a_changed_entry_is_named(on_postgres: bool) -> None:
    log = entries(5)
    target = log[2]
    if on_postgres:  # even the table's owner (the app role has no UPDATE privilege at all)
        with as_owner(), pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            raw(f"UPDATE {TABLE} SET detail = 'nothing to see' WHERE id = %s", [target.pk])  # noqa: S608
    with as_attacker():
        raw(f"UPDATE {TABLE} SET detail = 'nothing to see' WHERE id = %s", [target.pk])  # noqa: S608
    assert broken() == (target.pk, "content does not match its hash: changed")


def test_a_deleted_entry_is_named_by_the_entry_after_it(on_postgres: bool) -> None:
    log = entries(5)
    if on_postgres:  # even the table's owner (the app role has no DELETE privilege at all)
        with as_owner(), pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            raw(f"DELETE FROM {TABLE} WHERE id = %s", [log[2].pk])  # noqa: S608
    with as_attacker():
        raw(f"DELETE FROM {TABLE} WHERE id = %s", [log[2].pk])  # noqa: S608
    entry_id, reason = broken()
    assert entry_id == log[3].pk
    assert reason.startswith(f"does not link to entry #{log[1].pk}")


def test_an_entry_inserted_in_the_middle_is_named() -> None:
    first = entries(2)
    skip_ids(5)
    entries(2)
    with as_attacker():
        insert_row(first[1].pk + 1, first[1].entry_hash, forged_values(first[1]))
    assert broken() == (first[1].pk + 1, "inserted: the entry after it links past it")


def test_an_inserted_entry_with_a_forged_previous_hash_is_named() -> None:
    first = entries(2)
    skip_ids(5)
    entries(2)
    with as_attacker():
        insert_row(first[1].pk + 1, "f" * 64, forged_values(first[1]))
    entry_id, reason = broken()
    assert entry_id == first[1].pk + 1
    assert reason.startswith("does not link")


def test_an_entry_appended_outside_the_application_is_named() -> None:
    log = entries(3)
    with as_attacker():
        insert_row(log[-1].pk + 1, log[-1].entry_hash, forged_values(log[-1]))
    assert broken() == (
        log[-1].pk + 1,
        "comes after the chain head: appended outside the application",
    )


def test_an_entry_appended_at_the_end_with_a_forged_link_is_named() -> None:
    log = entries(3)
    with as_attacker():
        insert_row(log[-1].pk + 1, "e" * 64, forged_values(log[-1]))
    entry_id, _ = broken()
    assert entry_id == log[-1].pk + 1


def test_deleting_the_tail_is_detected() -> None:
    log = entries(4)
    with as_attacker():
        raw(f"DELETE FROM {TABLE} WHERE id >= %s", [log[2].pk])  # noqa: S608
    entry_id, reason = broken()
    assert entry_id == log[-1].pk
    assert "entries at the end were deleted" in reason


def test_moving_the_head_back_after_deleting_the_tail_breaks_its_signature() -> None:
    log = entries(4)
    with as_attacker():
        raw(f"DELETE FROM {TABLE} WHERE id = %s", [log[-1].pk])  # noqa: S608
    raw(
        "UPDATE audit_chainhead SET last_id = %s, last_hash = %s, count = 3",
        [log[-2].pk, log[-2].entry_hash],
    )
    entry_id, reason = broken()
    assert entry_id == log[-2].pk
    assert "signature does not match" in reason


def test_a_rolled_back_write_leaves_no_entry_and_the_chain_intact() -> None:
    entries(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        log_access(by=None, event=Event.WRITE, username="system", detail="rolled back")
        raise RuntimeError
    entries(1)
    assert verify_log().intact
    assert verify_log().entries == 3
    assert not AccessLogEntry.objects.filter(detail="rolled back").exists()


def test_the_head_follows_every_append() -> None:
    log = entries(3)
    head = ChainHead.objects.get()
    assert (head.last_id, head.last_hash, head.count) == (log[-1].pk, log[-1].entry_hash, 3)


def test_control_characters_cannot_shift_content_between_fields() -> None:
    entry = log_access(by=None, event=Event.READ, username="a\x1fb", detail="x\ny")
    assert entry.username == "a b"
    assert entry.detail == "x y"
    assert verify_log().intact


def test_a_detail_too_long_for_the_entry_is_cut_visibly() -> None:
    fits = log_access(by=None, event=Event.LIST, username="a", detail="cases " + "9" * 494)
    cut = log_access(by=None, event=Event.LIST, username="a", detail="cases " + "1," * 300)
    stored = AccessLogEntry.objects.get(pk=cut.pk).detail
    assert len(stored) == 500 and stored.endswith("1,1…") and stored.startswith("cases 1,1,")
    assert AccessLogEntry.objects.get(pk=fits.pk).detail == "cases " + "9" * 494
    assert verify_log().intact


@pytest.mark.parametrize(
    ("remote", "stored"),
    [("::ffff:10.1.2.3", "10.1.2.3"), ("2001:DB8::1", "2001:db8::1"), ("::1", "::1"),
     ("not an address", None)],
)  # fmt: skip
def test_source_addresses_survive_the_database_round_trip(remote: str, stored: str | None) -> None:
    from kansrijk.audit.context import source_address

    token = source_address.set(remote)
    try:
        entry = log_access(by=None, event=Event.READ, username="system")
    finally:
        source_address.reset(token)
    assert AccessLogEntry.objects.get(pk=entry.pk).source_address == stored
    assert verify_log().intact


def test_the_application_cannot_change_or_delete_an_entry() -> None:
    entry = entries(1)[0]
    entry.detail = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=entry.pk).update(detail="changed")
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        ChainHead.objects.get().delete()
    assert verify_log().intact


def test_postgresql_refuses_update_and_delete_of_entries_and_the_head(on_postgres: bool) -> None:
    if not on_postgres:
        pytest.skip("the trigger exists on PostgreSQL only")
    entry = entries(1)[0]
    for sql in (
        f"UPDATE {TABLE} SET detail = 'x' WHERE id = {entry.pk}",  # noqa: S608
        f"DELETE FROM {TABLE} WHERE id = {entry.pk}",  # noqa: S608
        "DELETE FROM audit_chainhead",
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            raw(sql)
    assert verify_log().intact


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain(on_postgres: bool) -> None:
    if not on_postgres:
        pytest.skip("concurrent writers need PostgreSQL")
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(10):
                with transaction.atomic():
                    log_access(by=None, event=Event.READ, username=f"t{n}", detail=str(i))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = verify_log()
    assert report.intact, report.broken
    assert report.entries == 60
