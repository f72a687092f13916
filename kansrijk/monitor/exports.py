"""The monitor's exports: CSV and XLSX of what is on screen, and the quarter report as PDF.

They are built from the same projected tables as the page, cell for cell with the same
texts ("< 5", "x"), so an export can never show a number the screen hides.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kansrijk.monitor.charts import sections
from kansrijk.monitor.definitions import BY_KEY
from kansrijk.monitor.reports import Report
from kansrijk.monitor.tables import Table
from kansrijk.monitor.themes import in_theme_order

#: The CSV's columns: the key is the English msgid, the header the reader's language.
CSV_COLUMNS = (
    gettext_lazy("period start"),
    gettext_lazy("period end"),
    gettext_lazy("figure"),
    gettext_lazy("variant"),
    gettext_lazy("domain"),
    gettext_lazy("row key"),
    gettext_lazy("row"),
    gettext_lazy("column key"),
    gettext_lazy("column"),
    gettext_lazy("unit"),
    gettext_lazy("value"),
    gettext_lazy("display"),
    gettext_lazy("suppressed"),
)


def _decimal(value: Any) -> str:
    """A number as Dutch Excel reads it: decimal comma, no thousands separator."""
    if value is None:
        return ""
    return str(value).replace(".", ",") if isinstance(value, float | Decimal) else str(value)


def to_csv(report: Report, tables: list[Table]) -> bytes:
    """Long format, one line per cell, for Dutch Excel: semicolons, decimal commas and UTF-8
    with a byte-order mark (without it Excel reads the file as Windows-1252)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([str(column) for column in CSV_COLUMNS])
    period = [report.period.start.isoformat(), report.period.end.isoformat()]
    for table in in_theme_order(tables):
        # Labels once per row and column, not once per cell: a region's export has ~57,000
        # cells, and looking each label up twice per cell was half its 166 ms (issue 17).
        columns = [(c.key, c.label, table.column_unit(c)) for c in table.columns]
        for row, cells in table.body():
            start = [*period, table.figure, table.variant, table.domain, row.key, row.label]
            for (key, label, unit), (_column, cell, text) in zip(columns, cells, strict=True):
                writer.writerow(
                    [
                        *start,
                        key,
                        label,
                        unit,
                        "" if cell.value is None or cell.hidden else _decimal(cell.value),
                        text,
                        cell.status if cell.hidden else "",
                    ]
                )
    return out.getvalue().encode("utf-8-sig")


def _sheet_title(table: Table, used: set[str]) -> str:
    base = f"{table.figure}{'-' + table.variant if table.variant else ''}"
    base += f"-{table.domain}" if table.domain else ""
    title, n = base[:31], 2
    while title in used:
        title = f"{base[:28]}-{n}"
        n += 1
    used.add(title)
    return title


def to_xlsx(report: Report, tables: list[Table]) -> bytes:
    """One sheet per table (numbers as numbers, hidden cells as their text) and a legend."""
    from openpyxl import Workbook  # like WeasyPrint below: imported by the export, not at start
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    assert about is not None
    about.title = "info"
    bold = Font(bold=True)
    about.append([_("Kansrijk monitor")])
    about["A1"].font = bold
    about.append([_("Period"), str(report.period)])
    about.append([_("Computed at"), report.computed_at.isoformat(timespec="minutes")])
    about.append([_("< 5"), _("fewer than 5 children (or families, answers): not shown")])
    about.append([_("x"), _("hidden so that a small number cannot be derived from totals")])
    used: set[str] = {"info"}
    for table in in_theme_order(tables):
        sheet = book.create_sheet(_sheet_title(table, used))
        definition = BY_KEY[table.figure]
        sheet.append([table.heading])
        sheet["A1"].font = bold
        sheet.append([definition.formula])
        if not table.available:
            sheet.append([_("Not available"), _(table.reason)])
        sheet.append(["", *(c.label for c in table.columns)])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        # A shown cell is its number; only the others are written as their text ("< 5",
        # "x", "—"): formatting every cell's text was a third of a region's export.
        for row, cells in zip(table.rows, table.cells, strict=True):
            line: list[Any] = [row.label]
            for column, cell in zip(table.columns, cells, strict=True):
                line.append(cell.value if cell.shown else table.display(cell, column))
            sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(report: Report, tables: list[Table], context: dict[str, Any]) -> bytes:
    """The quarter report for the municipality: charts, tables and definitions, printable
    (self-contained: styles and charts inline, so it needs no base URL)."""
    from weasyprint import HTML

    html = render_to_string(
        "monitor/report_pdf.html",
        {**context, "report": report, "sections": sections(tables)},
    )
    return bytes(HTML(string=html).write_pdf())
