"""A computed report read back from its snapshot, and the views of it per audience and filter.

Filtering never recomputes: a centre filter or an audience drops rows and columns, a domain
filter picks the domain's variant of the signal tables, which were suppressed together with
all other domains. So no two views can be subtracted to reveal a hidden cell.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from kansrijk.monitor.definitions import FIGURES
from kansrijk.monitor.periods import Period
from kansrijk.monitor.tables import Table

#: Figures whose tables come in one variant per domain.
DOMAIN_FIGURES = frozenset({"signals", "share_signalled"})
_ORDER = {figure.key: index for index, figure in enumerate(FIGURES)}


@dataclass
class Report:
    period: Period
    computed_at: datetime.datetime
    centres: list[tuple[int, str]]
    tables: list[Table]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Report:
        return cls(
            period=Period.parse(*data["period"]),
            computed_at=datetime.datetime.fromisoformat(data["computed_at"]),
            centres=[(int(pk), name) for pk, name in data["centres"]],
            tables=[Table.from_dict(t) for t in data["tables"]],
        )

    def view(self, centres: frozenset[int] | None, domain: str = "") -> list[Table]:
        """The tables for an audience's centres (None: all) and a domain ("" for all)."""
        chosen = []
        for table in self.tables:
            if table.figure == "signals" and table.variant == "":
                if domain:
                    table = _only_domain(table, domain)
            elif table.figure in DOMAIN_FIGURES and table.domain != domain:
                continue
            chosen.append(table.project(centres))
        return sorted(chosen, key=lambda t: (_ORDER[t.figure], t.variant))


def _only_domain(table: Table, domain: str) -> Table:
    keep = [i for i, c in enumerate(table.columns) if c.key in (domain, "*")]
    return Table(
        figure=table.figure,
        unit=table.unit,
        columns=[table.columns[i] for i in keep],
        rows=table.rows,
        cells=[[row[i] for i in keep] for row in table.cells],
        charts=table.charts,
        domain=domain,
        variant=table.variant,
        available=table.available,
        reason=table.reason,
    )
