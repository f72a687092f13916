"""The shape every figure leaves the monitor in: a table of already-suppressed cells.

A report is computed once per period (figures.compute_report), suppressed once, stored as
JSON in a snapshot, and then only *projected* per audience and filter: rows and columns of
centres the viewer may not see are dropped, nothing is recomputed. Every audience and every
export therefore sees the same suppressed numbers, so comparing two views reveals nothing
that one view hides. Labels are resolved when shown, so a snapshot is language-neutral.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.utils import formats
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from kansrijk.monitor.definitions import BY_KEY, LEAD_TIMES, Figure, Unit, _dutch

#: A hidden cell because it counts fewer than the threshold, or to protect such a cell.
PRIMARY = "primary"
SECONDARY = "secondary"
#: A cell that cannot be computed (no data, no basis), not a hidden one.
EMPTY = "empty"


@dataclass
class Cell:
    value: float | int | None
    status: str = ""  # "", PRIMARY, SECONDARY or EMPTY

    @property
    def hidden(self) -> bool:
        return self.status in (PRIMARY, SECONDARY)

    @property
    def shown(self) -> bool:
        return not self.status and self.value is not None


@dataclass
class Axis:
    """A row or a column. `kind` says how its label is found; `centre` binds it to a centre."""

    key: str
    kind: str
    name: str = ""
    centre: int | None = None
    total: bool = False

    @property
    def label(self) -> str:
        return axis_label(self)


@dataclass
class Table:
    figure: str
    unit: str
    columns: list[Axis]
    rows: list[Axis]
    cells: list[list[Cell]]
    #: The columns drawn as bar charts under which the table stands.
    charts: list[str] = field(default_factory=list)
    domain: str = ""  # "" for all domains; a domain key for a domain's variant
    variant: str = ""  # a second table of the same figure, e.g. "trend"
    available: bool = True
    reason: str = ""

    @property
    def definition(self) -> Figure:
        return BY_KEY[self.figure]

    @property
    def title(self) -> str:
        title = self.definition.label
        if self.variant == "trend":
            title = _("%(figure)s: trend per month") % {"figure": title}
        return title

    @property
    def heading(self) -> str:
        """The title, with the domain when this is a domain's variant."""
        from kansrijk.cases.models import Signal

        if self.domain:
            return f"{self.title} — {Signal.Domain(self.domain).label}"
        return self.title

    @property
    def anchor(self) -> str:
        return "-".join(p for p in ("fig", self.figure, self.variant, self.domain) if p)

    def column_unit(self, column: Axis) -> str:
        return COLUMN_UNITS.get(column.key, self.unit)

    def display(self, cell: Cell, column: Axis) -> str:
        return display(cell, self.column_unit(column))

    def body(self) -> list[tuple[Axis, list[tuple[Axis, Cell, str]]]]:
        """Rows with (column, cell, text) triples, ready for a template (the columns' units
        and the language looked up once per table, not per cell)."""
        language = get_language()
        columns = [(col, self.column_unit(col)) for col in self.columns]
        return [
            (
                row,
                [
                    (col, cell, display(cell, unit, language))
                    for (col, unit), cell in zip(columns, cells, strict=True)
                ],
            )
            for row, cells in zip(self.rows, self.cells, strict=True)
        ]

    def cell(self, row_key: str, column_key: str) -> Cell:
        r = next(i for i, row in enumerate(self.rows) if row.key == row_key)
        c = next(i for i, col in enumerate(self.columns) if col.key == column_key)
        return self.cells[r][c]

    def project(self, centres: frozenset[int] | None) -> Table:
        """The table with only the rows and columns of these centres (None: all) and totals."""
        if centres is None:
            return self
        keep_rows = [i for i, r in enumerate(self.rows) if r.centre is None or r.centre in centres]
        keep_cols = [
            i for i, c in enumerate(self.columns) if c.centre is None or c.centre in centres
        ]
        return Table(
            figure=self.figure,
            unit=self.unit,
            columns=[self.columns[i] for i in keep_cols],
            rows=[self.rows[i] for i in keep_rows],
            cells=[[self.cells[r][c] for c in keep_cols] for r in keep_rows],
            charts=self.charts,
            domain=self.domain,
            variant=self.variant,
            available=self.available,
            reason=self.reason,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "figure": self.figure,
            "unit": self.unit,
            "charts": self.charts,
            "domain": self.domain,
            "variant": self.variant,
            "available": self.available,
            "reason": self.reason,
            "columns": [_axis_dict(a) for a in self.columns],
            "rows": [_axis_dict(a) for a in self.rows],
            "cells": [[[c.value, c.status] for c in row] for row in self.cells],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Table:
        return cls(
            figure=data["figure"],
            unit=data["unit"],
            charts=list(data["charts"]),
            domain=data["domain"],
            variant=data["variant"],
            available=data["available"],
            reason=data["reason"],
            columns=[Axis(**a) for a in data["columns"]],
            rows=[Axis(**a) for a in data["rows"]],
            cells=[[Cell(value, status) for value, status in row] for row in data["cells"]],
        )


def _axis_dict(axis: Axis) -> dict[str, Any]:
    return {
        "key": axis.key,
        "kind": axis.kind,
        "name": axis.name,
        "centre": axis.centre,
        "total": axis.total,
    }


#: Columns whose unit differs from their figure's unit.
COLUMN_UNITS: dict[str, str] = {
    "pupils": Unit.COUNT,
    "signalled": Unit.COUNT,
    "share": Unit.PERCENT,
    "n": Unit.COUNT,
    "median": Unit.DAYS,
    "p90": Unit.DAYS,
    "families": Unit.COUNT,
    "one": Unit.COUNT,
    "one_share": Unit.PERCENT,
    "stalled_share": Unit.PERCENT,
    "open": Unit.COUNT,
    "stalled": Unit.COUNT,
    "responses": Unit.COUNT,
    "comments": Unit.COUNT,
    "kept": Unit.COUNT,
    "kept_share": Unit.PERCENT,
    "special_education": Unit.COUNT,
    "special_education_rate": Unit.PERCENT,
    "specialist_youth_care": Unit.COUNT,
    "specialist_youth_care_rate": Unit.PERCENT,
    "rules": Unit.COUNT,
    "met": Unit.COUNT,
    "met_share": Unit.PERCENT,
    "participants": Unit.COUNT,
}


def display(cell: Cell, unit: str, language: str | None = None) -> str:
    """How a cell reads on screen and in exports: "< 5" for a small number, "x" to protect one.
    `language`: the active one, when the caller has asked it already."""
    if cell.status == PRIMARY:
        return "< 5"
    if cell.status == SECONDARY:
        return "x"
    if cell.value is None or cell.status == EMPTY:
        return "—"
    language = language or get_language()
    if unit == Unit.COUNT:
        return _number(int(cell.value), unit, language)
    return _number(round(float(cell.value), 1), unit, language)


@lru_cache(maxsize=8192, typed=True)
def _number(value: int | float, unit: str, language: str | None) -> str:
    """A figure as its language writes it, formatted once per process: a region's report has
    ~57,000 cells of a few thousand distinct values, and Django's `number_format` (the
    language's separators looked up for each) was most of its exports' and API's time."""
    if unit == Unit.COUNT:
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    text = formats.number_format(value, 1, use_l10n=True)
    return f"{text} %" if unit == Unit.PERCENT else text


def axis_label(axis: Axis) -> str:
    from kansrijk.cases.models import Signal
    from kansrijk.cases.workflow import Outcome
    from kansrijk.consent.models import Consent
    from kansrijk.monitor.models import QUESTIONS

    if axis.kind == "lead":
        interval = axis.key.split("|")[0]
        nl, en = next((nl, en) for key, _t, nl, en in LEAD_TIMES if key == interval)
        where = _("Region") if axis.total else axis.name
        return f"{nl if _dutch() else en} · {where}"
    if axis.total:
        return _("Region") if axis.kind == "centre" else _("Total")
    if axis.kind == "centre":
        return axis.name
    if axis.kind == "month":
        month = datetime.date.fromisoformat(f"{axis.key}-01")
        return formats.date_format(month, "YEAR_MONTH_FORMAT")
    if axis.kind == "domain":
        return str(Signal.Domain(axis.key).label)
    if axis.kind == "outcome":
        return str(Outcome(axis.key).label)
    if axis.kind == "consent":
        return str(Consent.Status(axis.key).label)
    if axis.kind == "question":
        return str(dict(QUESTIONS)[axis.key])
    return stat_label(axis.key)


#: The statistics' column labels, their texts marked for translation; each is translated
#: when asked (a page asked ~6 labels, and every ask translated all of them).
STAT_LABELS = {
    "pupils": gettext_noop("Pupils enrolled"),
    "signalled": gettext_noop("Children signalled"),
    "share": gettext_noop("Share signalled"),
    "n": gettext_noop("Cases"),
    "median": gettext_noop("Median (days)"),
    "p90": gettext_noop("90th percentile (days)"),
    "families": gettext_noop("Families with an open case"),
    "one": gettext_noop("With exactly one contact person"),
    "one_share": gettext_noop("Share with one contact person"),
    "open": gettext_noop("Open cases"),
    "stalled": gettext_noop("Without a step"),
    "stalled_share": gettext_noop("Share without a step"),
    "responses": gettext_noop("Answers"),
    "comments": gettext_noop("Comments"),
    "kept": gettext_noop("Kept in regular provision"),
    "kept_share": gettext_noop("Share kept in regular provision"),
    "special_education": gettext_noop("Children referred to special education"),
    "special_education_rate": gettext_noop("Per 100 pupils: special education"),
    "specialist_youth_care": gettext_noop("Children referred to specialist youth care"),
    "specialist_youth_care_rate": gettext_noop("Per 100 pupils: specialist youth care"),
    "rules": gettext_noop("Roster rules per week, summed over the weeks"),
    "met": gettext_noop("Requirements met"),
    "offered": gettext_noop("Handovers offered"),
    "with_consent": gettext_noop("With the parents' consent"),
    "warm": gettext_noop("Warm (conversation held)"),
    "followed_up": gettext_noop("Followed up after six weeks"),
    "vve_regular": gettext_noop("With a VVE indication, to a regular school"),
    "met_share": gettext_noop("Share met"),
    "participants": gettext_noop("Children and parents taking part"),
    "homework_started": gettext_noop("Homework support started"),
    "homework_at_school": gettext_noop("Of which at school"),
    "homework_helped": gettext_noop("Parents manage on their own"),
    "integrated": gettext_noop("Pupils with an integrated arrangement"),
    "integrated_share": gettext_noop("Share with an integrated arrangement"),
    "replaced": gettext_noop("Separate indications replaced by one package"),
    "back_to_regular": gettext_noop("Back to regular school"),
    "dyslexia_submitted": gettext_noop("Dyslexia files submitted"),
    "dyslexia_complete": gettext_noop("Complete at first submission"),
    "dyslexia_referred": gettext_noop("Referred for diagnosis"),
    "dyslexia_not_referred": gettext_noop("Not referred"),
    "dyslexia_weak": gettext_noop("Incomplete at first or not referred"),
    "dyslexia_complete_share": gettext_noop("Share complete at first submission"),
    "dyslexia_weak_share": gettext_noop("Share where reading support needs strengthening"),
    "dyslexia_median": gettext_noop("Median days from submission to decision"),
    "total": gettext_noop("Total"),
}


def stat_label(key: str) -> str:
    """Column labels of the statistics, in the active language."""
    text = STAT_LABELS.get(key)
    return key if text is None else _(text)
