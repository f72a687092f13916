"""Small-numbers protection: no cell about fewer than 5 children leaves the monitor.

Primary suppression hides every cell whose *subjects* (distinct children, or families or
answers where the figure counts those) number fewer than the threshold — zero included.
Secondary suppression then closes the differencing hole: every additive relation
(total = sum of its members: a row with its row total, a column with its column total, the
totals with the grand total) that has exactly one hidden member would let anyone compute
it by subtraction, so the next-smallest visible member of that relation is hidden too (the
total only when no member is left). This repeats until no relation has exactly one hidden
member, across every table that shares a cell, because a cell is one key in one universe.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

from kansrijk.monitor.definitions import SUPPRESSION_THRESHOLD
from kansrijk.monitor.tables import PRIMARY, SECONDARY

Key = Hashable


class Universe:
    """All count cells of one report section, and the additive relations between them."""

    def __init__(self, threshold: int = SUPPRESSION_THRESHOLD) -> None:
        self.threshold = threshold
        self.values: dict[Key, float] = {}
        self.subjects: dict[Key, int] = {}
        self.relations: list[tuple[Key, tuple[Key, ...]]] = []
        self._status: dict[Key, str] | None = None

    def cell(self, key: Key, value: float, subjects: int | None = None) -> None:
        """A count cell; `subjects` is what the threshold counts (default: the value itself)."""
        self.values[key] = value
        self.subjects[key] = int(value if subjects is None else subjects)
        self._status = None

    def relation(self, total: Key, members: Iterable[Key]) -> None:
        """`total` equals the sum of `members`, so knowing all but one reveals that one. A
        total without members (a table without rows) reveals nothing: no relation."""
        members = tuple(members)
        if members:
            self.relations.append((total, members))
        self._status = None

    def status(self) -> dict[Key, str]:
        if self._status is None:
            self._status = self._suppress()
        return self._status

    def __getitem__(self, key: Key) -> tuple[float, str]:
        return self.values[key], self.status()[key]

    def _suppress(self) -> dict[Key, str]:
        status = {
            key: PRIMARY if self.subjects[key] < self.threshold else "" for key in self.values
        }
        changed = True
        while changed:
            changed = False
            for total, members in self.relations:
                group = (total, *members)
                if sum(1 for key in group if status[key]) != 1:
                    continue
                visible = sorted(
                    (key for key in members if not status[key]),
                    key=lambda k: (self.values[k], repr(k)),
                )
                target = visible[0] if visible else total
                if status[target]:  # a relation without members: nothing left to hide
                    continue
                status[target] = SECONDARY
                changed = True
        return status

    def crosstab(
        self, row_keys: Sequence[Key], column_keys: Sequence[Key], total: Key = "*"
    ) -> None:
        """Relations of a table of (row, column) cells with its margins, keys (row, column)."""
        for r in [*row_keys, total]:
            self.relation((r, total), [(r, c) for c in column_keys])
        for c in [*column_keys, total]:
            self.relation((total, c), [(r, c) for r in row_keys])
