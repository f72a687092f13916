"""The chainer off the request path: a request inserts its entry unlinked and locks nothing
shared; the chainer links entries in id order, never past one whose transaction is still
running, and audit_verify reports (and bounds) the unlinked tail."""

from __future__ import annotations

import datetime
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kansrijk.audit.chaining import chain_pending
from kansrijk.audit.models import AccessLogEntry, ChainHead, Event
from kansrijk.audit.services import log_access
from kansrijk.audit.tasks import audit_chain_pending
from kansrijk.audit.verification import verify_log
from tests.audit.test_chain import TABLE, broken, raw, verify_command
from tests.roles import as_owner


@pytest.fixture(autouse=True)
def chained_off_the_request(settings) -> None:  # type: ignore[no-untyped-def]
    settings.KANSRIJK_AUDIT_CHAIN_INLINE = False


def write(detail: str, **kwargs: object) -> AccessLogEntry:
    return log_access(by=None, event=Event.READ, username="system", detail=detail, **kwargs)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_a_request_writes_its_entry_unlinked_and_the_chainer_links_it() -> None:
    entries = [write(f"read {n}") for n in range(3)]
    assert [e.entry_hash for e in AccessLogEntry.objects.order_by("id")] == [None] * 3
    report = verify_log()
    assert report.intact and (report.entries, report.unchained) == (0, 3)
    assert "3 newer entries wait for the chainer" in verify_command()

    out = StringIO()
    call_command("audit_chain", "--once", stdout=out)
    assert out.getvalue() == "3 entries linked\n"
    head = ChainHead.objects.get()
    assert (head.last_id, head.count) == (entries[-1].pk, 3)
    write("read 3")
    assert audit_chain_pending.enqueue().return_value == 1
    report = verify_log()
    assert report.intact and (report.entries, report.unchained) == (4, 0)
    assert verify_command().startswith("4 entries, chain intact")


@pytest.mark.django_db
def test_an_entry_waiting_longer_than_the_bound_fails_verification(settings) -> None:  # type: ignore[no-untyped-def]
    settings.KANSRIJK_AUDIT_CHAIN_MAX_LAG_SECONDS = 60
    write("fresh")
    assert verify_log().intact
    late = write("late", at=timezone.now() - datetime.timedelta(minutes=2))
    entry_id, reason = broken()
    assert entry_id == late.pk
    assert "(at most 60 s): the chainer (manage.py audit_chain) is not running" in reason
    chain_pending()
    assert verify_log().intact
    assert late.pk == ChainHead.objects.get().last_id


@pytest.mark.django_db
def test_an_unlinked_entry_inside_the_chained_part_is_named() -> None:
    write("one")
    chain_pending()
    first = AccessLogEntry.objects.get()
    raw(
        f"INSERT INTO {TABLE} (id, at, event, username, role, organisation, purpose, detail) "  # noqa: S608
        "VALUES (%s, %s, 'read', 'x', '', '', '', 'slipped in')",
        [first.pk - 1 if first.pk > 1 else 0, timezone.now()],
    )
    entry_id, reason = broken()
    assert reason in {
        "is not linked although the chain has passed it: inserted afterwards",
        "lies in the pruned part of the log",
    }
    assert entry_id < first.pk


@pytest.mark.django_db
def test_postgresql_lets_the_links_be_written_once_and_nothing_else(on_postgres: bool) -> None:
    if not on_postgres:
        pytest.skip("the trigger exists on PostgreSQL only")
    unlinked = write("unlinked")
    for sql in (
        f"UPDATE {TABLE} SET detail = 'changed' WHERE id = {unlinked.pk}",  # noqa: S608
        f"UPDATE {TABLE} SET detail = 'x', entry_hash = 'a', previous_hash = 'b' "  # noqa: S608
        f"WHERE id = {unlinked.pk}",
        f"UPDATE {TABLE} SET entry_hash = 'a' WHERE id = {unlinked.pk}",  # noqa: S608
    ):
        # the trigger stops even the owner (the app role may not update `detail` at all)
        with as_owner(), pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            raw(sql)
    chain_pending()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw(f"UPDATE {TABLE} SET entry_hash = 'f', previous_hash = 'e' WHERE id = {unlinked.pk}")  # noqa: S608
    assert verify_log().intact


@pytest.mark.django_db(transaction=True)
def test_the_chainer_never_links_past_an_entry_whose_transaction_is_still_open(
    on_postgres: bool,
) -> None:
    if not on_postgres:
        pytest.skip("SQLite lets one writer at a time; concurrent commits need PostgreSQL")
    inserted, release = threading.Event(), threading.Event()
    slow: list[AccessLogEntry] = []

    def slow_request() -> None:
        try:
            with transaction.atomic():
                slow.append(write("slow"))
                inserted.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_request)
    thread.start()
    assert inserted.wait(10)
    fast = write("fast")  # a later id, committed first
    assert fast.pk > slow[0].pk
    assert chain_pending(settle_seconds=0.2) == 0
    assert AccessLogEntry.objects.get(pk=fast.pk).entry_hash is None
    release.set()
    thread.join()
    assert chain_pending() == 2
    report = verify_log()
    assert report.intact, report.broken
    assert (report.entries, report.unchained) == (2, 0)
    assert list(AccessLogEntry.objects.order_by("id").values_list("detail", flat=True)) == [
        "slow", "fast",
    ]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_the_chainer_waits_for_a_newer_transaction_that_drew_an_older_id(
    on_postgres: bool,
) -> None:
    """A takes its transaction id first, B a later one; B draws its entry id before A, and A
    commits first. A snapshot's in-progress list stops at the last *completed* transaction
    (PostgreSQL 14 on), so it does not name B: the chainer must wait for B all the same."""
    if not on_postgres:
        pytest.skip("SQLite lets one writer at a time; concurrent commits need PostgreSQL")
    a_has_xid, b_inserted, a_may_write, a_done, release = (threading.Event() for _ in range(5))
    entries: dict[str, AccessLogEntry] = {}

    def request_a() -> None:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_current_xact_id()")
                a_has_xid.set()
                a_may_write.wait(10)
                entries["a"] = write("a")
            a_done.set()
        finally:
            connections.close_all()

    def request_b() -> None:
        try:
            a_has_xid.wait(10)
            with transaction.atomic():
                entries["b"] = write("b")
                b_inserted.set()
                release.wait(10)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request_a), threading.Thread(target=request_b)]
    for thread in threads:
        thread.start()
    assert b_inserted.wait(10)
    a_may_write.set()
    assert a_done.wait(10)
    assert entries["a"].pk > entries["b"].pk
    assert chain_pending(settle_seconds=0.2) == 0
    assert AccessLogEntry.objects.get(pk=entries["a"].pk).entry_hash is None
    release.set()
    for thread in threads:
        thread.join()
    assert chain_pending() == 2
    report = verify_log()
    assert report.intact, report.broken
    assert list(AccessLogEntry.objects.order_by("id").values_list("detail", flat=True)) == [
        "b", "a",
    ]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_a_running_chainer_keep_one_chain(on_postgres: bool) -> None:
    if not on_postgres:
        pytest.skip("concurrent writers need PostgreSQL")
    errors: list[BaseException] = []
    done = threading.Event()

    def writer(n: int) -> None:
        try:
            for i in range(20):
                with transaction.atomic():
                    write(f"{n}.{i}")
                    if i % 7 == 3:
                        transaction.set_rollback(True)  # gaps in the ids, as in production
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    def chainer() -> None:
        try:
            while not done.is_set():
                chain_pending(settle_seconds=1)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    looping = threading.Thread(target=chainer)
    looping.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    looping.join()
    assert errors == []
    chain_pending()
    report = verify_log()
    assert report.intact, report.broken
    assert (report.entries, report.unchained) == (6 * 17, 0)
    assert connection.vendor == "postgresql"


@pytest.mark.django_db
def test_the_parts_of_one_list_go_in_one_insert_in_order_and_are_linked() -> None:
    """A list too long for one entry is written in one round trip (issue 17: a page paid
    one per part), its parts in id order, and the chainer links them like any entry."""
    from kansrijk.audit.paging import log_ids

    ids = list(range(10**6, 10**6 + 200))  # 8 characters each: four parts of 500
    with CaptureQueriesContext(connection) as queries:
        log_ids(ids, by=None, purpose="long list", opening="cases ", username="system")
    inserts = [q["sql"] for q in queries if q["sql"].startswith(f'INSERT INTO "{TABLE}"')]
    assert len(inserts) == 1

    details = list(AccessLogEntry.objects.order_by("id").values_list("detail", flat=True))
    assert [d.rsplit(" (part ", 1)[1] for d in details] == ["1/4)", "2/4)", "3/4)", "4/4)"]
    listed = [int(i) for d in details for i in d[len("cases ") :].split(" (")[0].split(",")]
    assert listed == ids
    assert len({e.at for e in AccessLogEntry.objects.all()}) == 1  # one moment, one read
    chain_pending()
    report = verify_log()
    assert report.intact and (report.entries, report.unchained) == (4, 0)


@pytest.mark.django_db
def test_a_list_of_more_parts_than_one_insert_holds_is_written_whole(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from kansrijk.audit import services
    from kansrijk.audit.paging import log_ids

    monkeypatch.setattr(services, "ROWS_PER_INSERT", 4)
    ids = list(range(10**6, 10**6 + 500))  # nine parts of 500 characters
    with CaptureQueriesContext(connection) as queries:
        log_ids(ids, by=None, purpose="longer list", opening="cases ", username="system")
    details = list(AccessLogEntry.objects.order_by("id").values_list("detail", flat=True))
    parts = len(details)
    assert parts == 9
    assert [d.rsplit(" (part ", 1)[1] for d in details] == [f"{n}/9)" for n in range(1, 10)]
    assert sum(q["sql"].startswith(f'INSERT INTO "{TABLE}"') for q in queries) == 3  # 4, 4 and 1
    listed = [int(i) for d in details for i in d[len("cases ") :].split(" (")[0].split(",")]
    assert listed == ids
    chain_pending()
    assert verify_log().intact


def test_a_misspelt_field_is_refused_not_left_out_of_the_entry() -> None:
    with pytest.raises(TypeError, match="case"):
        log_access(by=None, event=Event.READ, username="system", case=3)  # type: ignore[call-arg]
