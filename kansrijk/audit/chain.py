"""The hash chain over the access log: each entry hashes its predecessor's hash and its content."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
CHAINED_FIELDS = (
    "at", "event", "user_id", "username", "role", "organisation", "purpose",
    "source_address", "case_id", "family_id", "child_id", "detail",
)


def canonical(values: dict[str, Any]) -> bytes:
    """A stable byte form of an entry's content: sorted keys, ISO times, no whitespace."""
    content = {}
    for name in CHAINED_FIELDS:
        value = values.get(name)
        content[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return json.dumps(content, sort_keys=True, separators=(",", ":"), default=str).encode()


def link(previous_hash: str, values: dict[str, Any]) -> str:
    return hashlib.sha256(previous_hash.encode() + canonical(values)).hexdigest()


@dataclass(frozen=True)
class Break:
    entry_id: int
    reason: str


def verify(rows: Iterable[dict[str, Any]]) -> Break | None:
    """The first entry where the chain does not hold, or None when it is intact."""
    previous = GENESIS
    for row in rows:
        if row["previous_hash"] != previous:
            return Break(row["id"], "previous hash does not match (entry deleted or inserted)")
        if link(previous, row) != row["entry_hash"]:
            return Break(row["id"], "content does not match its hash (entry changed)")
        previous = row["entry_hash"]
    return None
