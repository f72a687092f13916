"""Verifying the whole access log against its chain and its signed head, streaming.

On PostgreSQL the walk runs in one REPEATABLE READ transaction, so the head and the rows
come from the same snapshot while the application keeps appending; rows arrive through a
server-side cursor in chunks, so memory stays flat for any size of log.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection, transaction

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
    report = _walk(checkpoint)
    return dataclasses.replace(report, checkpoint=checkpoint)


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
