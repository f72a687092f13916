"""The hash chain over the access log, as pure functions (no Django) so that the writer, the
verifier and the benchmark share one definition.

Each entry stores `previous_hash` (the `entry_hash` of the entry before it, or the base hash
for the first one) and `entry_hash = SHA-256(previous_hash + U+001F + canonical content)`.
The canonical content is the chained fields in a fixed order, joined by U+001F (the ASCII
unit separator), with NULL written as the empty string and the time as integer
microseconds since the Unix epoch (exact on every database, cheap to compute).
Text fields never contain U+001F (the writer strips control characters, the verifier rejects
them), so the join is unambiguous and content cannot be moved between fields.

The chain alone cannot show that entries were removed from its end, nor that a whole tail
was re-hashed. For that the one `ChainHead` row records the last id, the last hash and the
count, signed with an HMAC whose key is not in the database (see `head_signature`).

The head lives in the same database as the log, so whoever can wipe both would leave a log
that verifies as empty. A `Checkpoint` copies the head (entries ever chained, last id and hash,
time) to a place outside the database, signed with the same key; the verifier compares the
log with it (see audit.checkpoints).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
SEPARATOR = "\x1f"
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)

#: The fields an entry's hash covers, in hashing order.
CHAINED_FIELDS = (
    "at", "event", "user_id", "username", "role", "organisation", "purpose",
    "source_address", "case_id", "family_id", "child_id", "detail",
)  # fmt: skip
#: The text fields; they may not contain control characters.
TEXT_FIELDS = ("event", "username", "role", "organisation", "purpose", "detail")
#: The column order `verify` expects of each row.
ROW_FIELDS = ("id", "previous_hash", "entry_hash", *CHAINED_FIELDS)


def microseconds(at: datetime.datetime) -> int:
    """An aware time as integer microseconds since the epoch: the same on every database."""
    return (at - EPOCH) // MICROSECOND


def canonical(values: dict[str, Any]) -> str:
    """The content an entry's hash covers, from a dict of its chained fields."""
    return _join(tuple(values.get(name) for name in CHAINED_FIELDS))


def _join(content: Sequence[Any]) -> str:
    """The fields joined; `at` may already be integer microseconds (the verifier's fast path).
    Written out field by field: this runs once per entry when a million are verified."""
    (
        at,
        event,
        user_id,
        username,
        role,
        organisation,
        purpose,
        address,
        case,
        family,
        child,
        detail,
    ) = content
    if not isinstance(at, int):
        at = microseconds(at)
    return (
        f"{at}\x1f{event}\x1f{'' if user_id is None else user_id}\x1f{username}\x1f{role}"
        f"\x1f{organisation}\x1f{purpose}\x1f{'' if address is None else address}"
        f"\x1f{'' if case is None else case}\x1f{'' if family is None else family}"
        f"\x1f{'' if child is None else child}\x1f{detail}"
    )


#: How many separators a canonical form holds when no field contains one.
SEPARATORS = len(CHAINED_FIELDS) - 1


def link(previous_hash: str, values: dict[str, Any]) -> str:
    """The hash of an entry with these values that follows an entry hashed `previous_hash`."""
    return _digest(previous_hash, canonical(values))


def _digest(previous_hash: str, content: str) -> str:
    return hashlib.sha256(f"{previous_hash}{SEPARATOR}{content}".encode()).hexdigest()


_CONTROL = dict.fromkeys((*range(32), 127), " ")


def clean_text(value: str, limit: int) -> str:
    """Text as the chain stores it: control characters replaced by spaces, cut to the limit,
    and a cut text ends in "…" so that whoever reads the entry knows there was more."""
    value = value.translate(_CONTROL)
    return value if len(value) <= limit else value[: limit - 1] + "…"


# --- the chain head ------------------------------------------------------------------------


@dataclass(frozen=True)
class HeadState:
    """Where the chain ends and, after pruning, where it begins."""

    last_id: int = 0
    last_hash: str = GENESIS
    count: int = 0
    base_id: int = 0
    base_hash: str = GENESIS
    pruned: int = 0

    def message(self) -> bytes:
        return (
            f"{self.last_id}|{self.last_hash}|{self.count}|"
            f"{self.base_id}|{self.base_hash}|{self.pruned}"
        ).encode()


def head_signature(head: HeadState, key: bytes) -> str:
    """HMAC-SHA-256 of the head: only whoever holds the key (the application) can move it."""
    return hmac.new(key, head.message(), hashlib.sha256).hexdigest()


# --- checkpoints outside the database -----------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """The head at one moment: `total` entries ever chained (pruned ones included), the last
    one's id and hash, and when; signed so that a forged or edited file shows."""

    at: str
    total: int
    last_id: int
    last_hash: str

    def message(self) -> bytes:
        return f"checkpoint|{self.at}|{self.total}|{self.last_id}|{self.last_hash}".encode()


def checkpoint_signature(checkpoint: Checkpoint, key: bytes) -> str:
    """HMAC-SHA-256 of the checkpoint with the audit key (the head's scheme, its own message)."""
    return hmac.new(key, checkpoint.message(), hashlib.sha256).hexdigest()


# --- verification --------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    entry_id: int
    reason: str


@dataclass(frozen=True)
class Report:
    entries: int
    last_id: int
    last_hash: str
    broken: Break | None
    #: The checkpoint outside the database the log was compared with, if any.
    checkpoint: Checkpoint | None = None
    #: Entries after the head that the chainer has not linked yet, and the oldest of them
    #: (id, time in microseconds since the epoch).
    unchained: int = 0
    oldest_unchained: tuple[int, int] | None = None

    @property
    def intact(self) -> bool:
        return self.broken is None


def verify(
    rows: Iterable[Sequence[Any]],
    head: HeadState | None,
    signature: str | None = None,
    key: bytes | None = None,
    checkpoint: Checkpoint | None = None,
) -> Report:
    """Walk the rows (ROW_FIELDS, in id order) and compare the end with the signed head and
    with the last checkpoint kept outside the database.

    Returns the first break: an entry whose content does not match its hash (changed), one
    that does not link to the entry before it (deleted or inserted), one inserted with a valid
    link (the entry after it links past it), entries after the head (appended outside the
    application), a head that names an entry the log no longer has (tail deleted), or a log
    shorter than the checkpoint or different at the checkpoint's entry (wiped or rewritten,
    head included).
    """
    base = head or HeadState()
    previous, before_previous = base.base_hash, None
    previous_id = base.base_id
    count = 0
    checkpoint_id = checkpoint.last_id if checkpoint is not None else -1
    checkpoint_seen = False
    unchained, oldest_unchained = 0, None
    for row in rows:
        entry_id, previous_hash, entry_hash = row[0], row[1], row[2]
        if entry_id <= base.base_id:
            return _broken(count, entry_id, previous, "lies in the pruned part of the log")
        if entry_hash is None:
            if entry_id <= base.last_id:
                return _broken(
                    count, entry_id, previous,
                    "is not linked although the chain has passed it: inserted afterwards",
                )  # fmt: skip
            at = row[3] if isinstance(row[3], int) else microseconds(row[3])
            if oldest_unchained is None or at < oldest_unchained[1]:
                oldest_unchained = (entry_id, at)
            unchained += 1
            continue
        if head is None:
            return _broken(count, entry_id, previous, "the chain head is missing")
        if entry_id > head.last_id or unchained:
            return _broken(
                count, entry_id, previous,
                "comes after the chain head: appended outside the application",
            )  # fmt: skip
        if previous_hash != previous:
            if before_previous is not None and previous_hash == before_previous:
                return _broken(
                    count, previous_id, previous,
                    "inserted: the entry after it links past it",
                )  # fmt: skip
            return _broken(
                count, entry_id, previous,
                f"does not link to entry #{previous_id}: an entry before it was deleted "
                "or inserted",
            )  # fmt: skip
        content = _join(row[3:])
        if content.count(SEPARATOR) != SEPARATORS:
            return _broken(count, entry_id, previous, "contains a control character: changed")
        if _digest(previous, content) != entry_hash:
            return _broken(count, entry_id, previous, "content does not match its hash: changed")
        if entry_id == checkpoint_id:
            assert checkpoint is not None
            if entry_hash != checkpoint.last_hash:
                return _broken(
                    count, entry_id, previous,
                    f"differs from the checkpoint of {checkpoint.at}: the log was rewritten "
                    "from here on (head included)",
                )  # fmt: skip
            checkpoint_seen = True
        before_previous, previous, previous_id = previous, entry_hash, entry_id
        count += 1
    if head is not None:
        broken = _head_break(head, signature, key, count, previous_id, previous)
        if broken is not None:
            return broken
    if checkpoint is not None:
        broken = _checkpoint_break(checkpoint, base, count, checkpoint_seen, previous_id, previous)
        if broken is not None:
            return broken
    return Report(
        count, previous_id, previous, None, unchained=unchained, oldest_unchained=oldest_unchained
    )


def _head_break(
    head: HeadState, signature: str | None, key: bytes | None, count: int,
    previous_id: int, previous: str,
) -> Report | None:  # fmt: skip
    """The break between the walked log and its signed head, if any."""
    if key is not None and signature != head_signature(head, key):
        return _broken(
            count, head.last_id, previous,
            "the chain head's signature does not match: the head was changed outside the "
            "application (or the audit key changed)",
        )  # fmt: skip
    if previous_id != head.last_id or previous != head.last_hash:
        if previous_id < head.last_id:
            return _broken(
                count, head.last_id, previous,
                f"missing: the chain head names it but the log ends at #{previous_id}; "
                "entries at the end were deleted",
            )  # fmt: skip
        return _broken(count, previous_id, previous, "does not match the chain head: changed")
    if count != head.count:
        return _broken(
            count, previous_id, previous,
            f"the log holds {count} entries but the chain head counts {head.count}",
        )  # fmt: skip
    return None


def _checkpoint_break(
    checkpoint: Checkpoint, base: HeadState, count: int, seen: bool, previous_id: int,
    previous: str,
) -> Report | None:  # fmt: skip
    """The break between the walked log and the last checkpoint outside the database."""
    total = count + base.pruned
    if total < checkpoint.total:
        what = "is empty" if count == 0 else f"holds {total} entries (pruned ones included)"
        return _broken(
            count, checkpoint.last_id, previous,
            f"missing: the log {what} but the checkpoint of {checkpoint.at} counted "
            f"{checkpoint.total} up to this entry; the log was wiped or cut short",
        )  # fmt: skip
    if checkpoint.last_id > base.base_id and not seen:
        return _broken(
            count, checkpoint.last_id, previous,
            f"missing: the checkpoint of {checkpoint.at} names it but the log (ending at "
            f"#{previous_id}) does not hold it; entries were deleted",
        )  # fmt: skip
    if checkpoint.last_id == base.base_id and checkpoint.last_hash != base.base_hash:
        return _broken(
            count, checkpoint.last_id, previous,
            f"differs from the checkpoint of {checkpoint.at}: the pruned base was rewritten",
        )  # fmt: skip
    return None


def _broken(count: int, entry_id: int, last_hash: str, reason: str) -> Report:
    return Report(count, entry_id, last_hash, Break(entry_id, reason))
