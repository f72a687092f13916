"""Removing access-log entries past their retention term without breaking the chain.

Only a prefix of the chain can go, and only after the whole log verified intact. The head
first records the last pruned entry (its id and hash become the chain's new base, signed
with the rest of the head), then the entries up to it are deleted, then the pruning itself
is logged — all in one transaction. On PostgreSQL whole months of the prefix go by dropping
their partitions (audit.partitions), the rest row by row. The verifier starts from the base
hash, so the log that remains stays verifiable, and the head says how many entries were
pruned.

On PostgreSQL the append-only trigger allows a DELETE only of entries at or below the head's
base id that are more than five years old (migration 0004): even this code cannot remove
anything younger, and the application has no other way to delete entries. In production the
application's role has no DELETE on the log at all (audit.grants): pruning runs as the owner
role (docs/operations.md); run as the app role it is refused and reported by the retention run.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q

from kansrijk.audit.models import AccessLogEntry, Event
from kansrijk.audit.partitions import drop_pruned_months
from kansrijk.audit.services import locked_head, log_access, move_head
from kansrijk.audit.verification import verify_log

#: The legal floor (NEN 7513: at least five years); the trigger enforces the same.
MINIMUM_YEARS = 5


class ChainBroken(RuntimeError):
    """Pruning refused: the log does not verify, and pruning would destroy the evidence."""


@dataclass(frozen=True)
class PruneResult:
    count: int
    oldest: datetime.datetime | None
    through_id: int | None


def prunable(cutoff: datetime.datetime) -> PruneResult:
    """The prefix of the chain older than the cutoff: how many, oldest time, last id.

    Only linked entries: one the chainer has not linked yet counts as young, whatever its time
    (it cannot be cut from a chain it is not in yet)."""
    young = (
        AccessLogEntry.objects.filter(Q(at__gte=cutoff) | Q(entry_hash__isnull=True))
        .order_by("id")
        .values_list("id", flat=True)
    )
    first_young = young.first()
    old = AccessLogEntry.objects.all()
    if first_young is not None:
        old = old.filter(id__lt=first_young)
    through = old.order_by("-id").values_list("id", flat=True).first()
    if through is None:
        return PruneResult(0, None, None)
    oldest = old.order_by("id").values_list("at", flat=True).first()
    return PruneResult(old.count(), oldest, through)


def prune_before(cutoff: datetime.datetime, *, purpose: str) -> PruneResult:
    """Delete the chain's prefix older than the cutoff, keeping the rest verifiable."""
    from django.utils import timezone

    now = timezone.now()
    try:
        floor = now.replace(year=now.year - MINIMUM_YEARS)
    except ValueError:  # 29 February
        floor = now.replace(year=now.year - MINIMUM_YEARS, day=28)
    if cutoff > floor:
        raise ValueError(f"The access log is kept at least {MINIMUM_YEARS} years.")
    report = verify_log()
    if report.broken is not None:
        raise ChainBroken(f"entry #{report.broken.entry_id}: {report.broken.reason}")
    with transaction.atomic():
        head = locked_head()
        result = prunable(cutoff)
        if result.through_id is None:
            return result
        last = AccessLogEntry.objects.filter(id=result.through_id).values_list(
            "entry_hash", flat=True
        )[0]
        move_head(
            head, base_id=result.through_id, base_hash=last,
            count=head.count - result.count, pruned=head.pruned + result.count,
        )  # fmt: skip
        dropped = drop_pruned_months(result.through_id, cutoff)
        table = connection.ops.quote_name(AccessLogEntry._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id <= %s", [result.through_id])  # noqa: S608
        months = f"; partitions dropped: {', '.join(dropped)}" if dropped else ""
        log_access(
            by=None, event=Event.WRITE, username="retention", purpose=purpose,
            detail=f"access log pruned: {result.count} entries through #{result.through_id} "
            f"({last}){months}",
        )  # fmt: skip
    return result
