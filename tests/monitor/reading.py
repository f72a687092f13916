"""Reading tables back in tests: by figure, variant and domain, then by row and column key."""

from __future__ import annotations

from typing import Any

from kansrijk.monitor.tables import Table


def table(
    report: dict[str, Any] | list[Table], figure: str, variant: str = "", domain: str = ""
) -> Table:
    tables = report if isinstance(report, list) else [Table.from_dict(t) for t in report["tables"]]
    return next(
        t for t in tables if t.figure == figure and t.variant == variant and t.domain == domain
    )


def grid(t: Table) -> dict[tuple[str, str], Any]:
    """(row key, column key) → the value, or the hidden cell's text."""
    return {
        (row.key, column.key): (cell.value if not cell.hidden else t.display(cell, column))
        for row, cells in t.body()
        for column, cell, _text in cells
    }
