"""Linking access-log entries into the chain, off the request path.

A request inserts its entry without links, in its own transaction, and locks nothing shared:
the entry's id (drawn from the table's sequence) is its place in the chain. One chainer
(`manage.py audit_chain`, or the task `audit_chain_pending`) links the entries in id order in
batches, under the lock on the chain head, so there is only ever one.

Ids are drawn when a transaction inserts, but transactions commit in any order: entry 11 may
be visible while entry 10's transaction is still running (or will roll back and leave a gap).
The chainer must never link past an entry that can still appear. On PostgreSQL it therefore
reads the sequence's last value S, then the list of transactions in progress; every entry with
an id up to S belongs to one of those or had already ended, because the writer takes its
transaction id *before* it draws the entry's id (the id's default is a function that does both,
in that order: migration 0005). Once all
of them have ended in the eyes of a new snapshot (not merely in the commit log, which runs a
moment ahead), every entry up to S that will ever exist is visible, and the chainer links
through S. On SQLite a writer holds the database's one write lock for its whole transaction,
so whatever the chainer (which takes that lock too) sees is settled.

In tests and the demo (`KANSRIJK_AUDIT_CHAIN_INLINE`, where tasks run immediately too) the
request links its own entry under the head's lock (audit.services.append), so the head is
always at the log's end there; never mix that with a running chainer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from kansrijk.audit import chain
from kansrijk.audit.models import AccessLogEntry, ChainHead

#: Entries linked per transaction.
BATCH = 5000
#: How long one round waits for the transactions in progress to end.
SETTLE_SECONDS = 5.0


def link_pending(head: ChainHead, through: int | None = None) -> dict[int, tuple[str, str]]:
    """Link up to BATCH unchained entries after the head (through id `through`) in id order,
    and move the head. The caller holds the head's lock in its transaction.

    Returns {id: (previous_hash, entry_hash)} of the entries linked."""
    pending = AccessLogEntry.objects.filter(entry_hash__isnull=True, id__gt=head.last_id)
    if through is not None:
        pending = pending.filter(id__lte=through)
    rows = list(pending.order_by("id").values_list("id", *chain.CHAINED_FIELDS)[:BATCH])
    if not rows:
        return {}
    previous = head.last_hash
    links: dict[int, tuple[str, str]] = {}
    for entry_id, *values in rows:
        entry_hash = chain.link(previous, dict(zip(chain.CHAINED_FIELDS, values, strict=True)))
        links[entry_id] = (previous, entry_hash)
        previous = entry_hash
    _write_links(links)
    from kansrijk.audit.services import move_head

    move_head(head, last_id=rows[-1][0], last_hash=previous, count=head.count + len(rows))
    return links


def _write_links(links: dict[int, tuple[str, str]]) -> None:
    table = connection.ops.quote_name(AccessLogEntry._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS e SET previous_hash = v.p, entry_hash = v.h "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS v(id, p, h) "
                "WHERE e.id = v.id AND e.entry_hash IS NULL",
                [list(links), [p for p, _ in links.values()], [h for _, h in links.values()]],
            )
            written = cursor.rowcount
        else:
            cursor.executemany(
                f"UPDATE {table} SET previous_hash = %s, entry_hash = %s "  # noqa: S608
                "WHERE id = %s AND entry_hash IS NULL",
                [(p, h, entry_id) for entry_id, (p, h) in links.items()],
            )
            written = len(links)
    if written != len(links):  # pragma: no cover - a second chainer bypassing the head lock
        raise RuntimeError("access-log entries were linked by someone else")


@dataclass(frozen=True)
class Capture:
    """The sequence's last value and the transactions in progress right after reading it."""

    through: int
    in_progress: list[str]


#: Every transaction id in progress, as xid8. A snapshot's own list (xip) stops at its xmax,
#: which since PostgreSQL 14 is the last *completed* transaction + 1: a writer that took a
#: newer id but drew an older entry id than one that has committed is not in it. So the ids
#: come from the process array too (pg_stat_activity.backend_xid, read live, not from the
#: snapshot), widened from 32 bits to xid8 around the snapshot's xmax (running ids lie within
#: 2^31 of it). The chainer's own transaction is left out, as a snapshot leaves it out.
_RUNNING = (
    "SELECT (pg_snapshot_xmax(s)::text::numeric"
    " + CASE WHEN d >= 2147483648 THEN d - 4294967296 ELSE d END)::text"
    " FROM pg_current_snapshot() AS s, LATERAL (SELECT mod(backend_xid::text::numeric"
    " - mod(pg_snapshot_xmax(s)::text::numeric, 4294967296) + 4294967296, 4294967296) AS d"
    " FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
)
_IN_PROGRESS = (
    _RUNNING  # noqa: S608 - constant SQL
    + ") AS a UNION SELECT x::text FROM pg_snapshot_xip(pg_current_snapshot()) AS x"
)
#: The test suite runs one database per worker in one cluster, each test in a long
#: transaction: there the chainer waits only for transactions of its own database's backends.
#: Production keeps the cluster-wide rule (bench/audit_bench.py proves it under 16 writers).
_IN_PROGRESS_HERE = _RUNNING + " AND datname = current_database()) AS a"


def capture() -> Capture | None:
    """On PostgreSQL, what the chainer may link once the transactions in progress end."""
    if connection.vendor != "postgresql":
        return None
    table = AccessLogEntry._meta.db_table
    with connection.cursor() as cursor:
        # Two statements: the snapshot must be taken after the sequence was read.
        cursor.execute(
            "SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence(%s, 'id')), 0)",
            [table],
        )
        through = cursor.fetchone()[0]
        # The backends' states are copied once per transaction: take a fresh copy.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            _IN_PROGRESS_HERE if settings.KANSRIJK_AUDIT_CHAIN_OWN_DATABASE_ONLY else _IN_PROGRESS
        )
        in_progress = [row[0] for row in cursor.fetchall()]
    return Capture(through, in_progress)


def settled(captured: Capture) -> bool:
    """Have all transactions that were in progress at the capture ended, as far as the
    chainer's next snapshot can tell? (Not pg_xact_status: a transaction counts as committed
    there a moment before new snapshots see its rows.)"""
    if not captured.in_progress:
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM unnest(%s::text[]::xid8[]) AS x "
            "WHERE NOT pg_visible_in_snapshot(x, pg_current_snapshot())",
            [captured.in_progress],
        )
        return cursor.fetchone()[0] == 0


def chain_pending(settle_seconds: float = SETTLE_SECONDS) -> int:
    """One round of the chainer: link every settled unchained entry. Returns how many.

    Waits up to `settle_seconds` for the transactions in progress; if they have not ended by
    then, links nothing this round (a later round will)."""
    from kansrijk.audit.services import locked_head

    captured = capture()
    if captured is not None:
        deadline = time.monotonic() + settle_seconds
        while not settled(captured):
            if time.monotonic() > deadline:
                return 0
            time.sleep(0.005)
    through = captured.through if captured is not None else None
    linked = 0
    while True:
        with transaction.atomic():
            links = link_pending(locked_head(), through=through)
        linked += len(links)
        if len(links) < BATCH:
            return linked
