"""Bar charts as plain geometry for inline SVG: no JavaScript, and the table under each chart
holds every number, so nothing is told by the chart alone (WCAG 1.1.1, 1.4.1)."""

from __future__ import annotations

from dataclasses import dataclass

from kansrijk.monitor.definitions import (
    CHART_REFERENCES,
    REFERENCES,
    UNIT_LABELS,
    Reference,
    Unit,
    _dutch,
)
from kansrijk.monitor.tables import Table

LABEL_WIDTH = 230
BAR_AREA = 330
ROW_HEIGHT = 22
TOP = 6


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    y: int
    width: int
    total: bool


@dataclass(frozen=True)
class Line:
    x: int
    reference: Reference


@dataclass(frozen=True)
class Chart:
    title: str
    unit: str  # what the bars count, in the reader's language
    bars: list[Bar]
    lines: list[Line]
    width: int
    height: int
    bar_x: int


def _short(text: str, size: int = 34) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def bar_chart(table: Table, column_key: str) -> Chart | None:
    """One bar per row for one column; hidden cells get no bar and read "< 5" or "x"."""
    index = next((i for i, c in enumerate(table.columns) if c.key == column_key), None)
    if index is None or not table.available or not table.rows:
        return None
    column = table.columns[index]
    references = [REFERENCES[key] for key in CHART_REFERENCES.get(column_key, ())]
    values = [
        float(row[index].value or 0)
        for row in table.cells
        if row[index].shown and row[index].value is not None
    ]
    scale_max = max([*values, *(r.percent for r in references), 1.0])
    if table.column_unit(column) == Unit.SCORE:
        scale_max = 5.0
    bars = []
    for position, (row, cells) in enumerate(zip(table.rows, table.cells, strict=True)):
        cell = cells[index]
        width = 0
        if cell.shown and cell.value is not None:
            width = max(1, round(BAR_AREA * float(cell.value) / scale_max)) if cell.value else 0
        bars.append(
            Bar(
                _short(row.label),
                table.display(cell, column),
                TOP + position * ROW_HEIGHT,
                width,
                row.total,
            )
        )
    lines = [Line(LABEL_WIDTH + round(BAR_AREA * r.percent / scale_max), r) for r in references]
    return Chart(
        title=f"{table.title} — {column.label}",
        unit=UNIT_LABELS[Unit(table.column_unit(column))][0 if _dutch() else 1],
        bars=bars,
        lines=lines,
        width=LABEL_WIDTH + BAR_AREA + 90,
        height=TOP * 2 + len(bars) * ROW_HEIGHT,
        bar_x=LABEL_WIDTH,
    )


@dataclass(frozen=True)
class Section:
    """One table on a page or in the report: its charts above it, its definition a click away."""

    table: Table
    charts: list[Chart]


def sections(tables: list[Table]) -> list[Section]:
    return [
        Section(table, [c for c in (bar_chart(table, key) for key in table.charts) if c])
        for table in tables
    ]
