"""Verifying the whole access log against its chain and its signed head, streaming.

The chained part is verified entry by entry; the entries the chainer has not linked yet (the
tail after the head) are counted, and the log fails when the first of them has waited longer
than KANSRIJK_AUDIT_CHAIN_MAX_LAG_SECONDS.

On PostgreSQL the walk runs in one REPEATABLE READ transaction, so the head and the rows
come from the same snapshot while the application keeps appending; rows arrive through a
server-side cursor in chunks, so memory stays flat for any size of log.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from kansrijk.audit import chain, checkpoints
from kansrijk.audit.models import AccessLogEntry, ChainHead
from kansrijk.audit.services import HEAD, audit_key

CHUNK = 20_000


def _rows() -> Iterator[Sequence[Any]]:
    """The entries in id order, in chain.ROW_FIELDS order, a chunk at a time."""
    if connection.vendor != "postgresql":
        yield from (
            AccessLogEntry.objects.order_by("id")
            .values_list(*chain.ROW_FIELDS)
            .iterator(chunk_size=CHUNK)
        )
        return
    # PostgreSQL hands `at` over as exact integer microseconds and the address as text, which
    # spares a million datetime and inet conversions; chain._join accepts both forms.
    columns = [
        "(extract(epoch FROM at) * 1000000)::bigint" if name == "at"
        else "host(source_address)" if name == "source_address"
        else name
        for name in chain.ROW_FIELDS
    ]  # fmt: skip
    table = connection.ops.quote_name(AccessLogEntry._meta.db_table)
    with connection.chunked_cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id")  # noqa: S608
        while rows := cursor.fetchmany(CHUNK):
            yield from rows


def verify_log() -> chain.Report:
    """The first break in the access log, or an intact report with the number of entries.

    The log is also compared with the newest checkpoint outside the database (a forged
    checkpoint file is itself a break). Inside a caller's transaction (tests, pruning) the
    caller's snapshot is used."""
    try:
        newest = checkpoints.latest()
    except checkpoints.CheckpointInvalid as error:
        return chain.Report(0, 0, chain.GENESIS, chain.Break(0, str(error)))
    checkpoint = newest[1] if newest is not None else None
    report = dataclasses.replace(_walk(checkpoint), checkpoint=checkpoint)
    if report.broken is None and report.oldest_unchained is not None:
        entry_id, at = report.oldest_unchained
        waited = (chain.microseconds(timezone.now()) - at) / 1_000_000
        bound = settings.KANSRIJK_AUDIT_CHAIN_MAX_LAG_SECONDS
        if waited > bound:
            return dataclasses.replace(
                report,
                broken=chain.Break(
                    entry_id,
                    f"not linked into the chain {waited:.0f} s after it was written (at most "
                    f"{bound} s): the chainer (manage.py audit_chain) is not running or stuck",
                ),
            )
    return report


def _walk(checkpoint: chain.Checkpoint | None) -> chain.Report:
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        head = ChainHead.objects.filter(pk=HEAD).first()
        return chain.verify(
            _rows(),
            head.state() if head else None,
            signature=head.signature if head else None,
            key=audit_key(),
            checkpoint=checkpoint,
        )
