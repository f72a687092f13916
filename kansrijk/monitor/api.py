"""The monitor's API: the same suppressed aggregates as the pages, for the region's BI tools.

Same audiences as the pages (monitor.audience): other roles get a problem+json 404. Every
report read is logged as an export (aggregates only, so without client ids).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import BaseModel

from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access
from kansrijk.cases.errors import NotFound
from kansrijk.cases.models import Signal
from kansrijk.monitor.audience import Audience, audience_of
from kansrijk.monitor.definitions import FIGURES, REFERENCES
from kansrijk.monitor.periods import Period
from kansrijk.monitor.selectors import report_for
from kansrijk.monitor.services import snapshot_refresh_request

router = Router(tags=["monitor"])

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


class FigureOut(Schema):
    key: str
    label_nl: str
    label_en: str
    formula_nl: str
    formula_en: str
    unit: str
    sources: list[str]
    counts_nl: str
    counts_en: str
    references: list[str]


class ReferenceOut(Schema):
    key: str
    label_nl: str
    label_en: str
    percent: float
    source: str
    year: int


# The report's parts are plain pydantic models, not ninja Schemas: a Schema validates each
# object through a Python hook meant for ORM objects (DjangoGetter), and a region's report has
# ~35,000 cells: 390 ms of CPU a report (issue 17). These are built from plain values.
class CellOut(BaseModel):
    column: str
    value: float | None = Field(description="The number; null when hidden or not computable.")
    display: str = Field(description='As on screen: "< 5" small number, "x" protecting one.')
    suppressed: str = Field(description='"", "primary" (fewer than 5) or "secondary".')


class RowOut(BaseModel):
    key: str
    label: str
    centre: int | None
    total: bool
    cells: list[CellOut]


class ColumnOut(BaseModel):
    key: str
    label: str
    unit: str


class TableOut(BaseModel):
    figure: str
    title: str
    variant: str
    domain: str
    unit: str
    available: bool
    reason: str
    columns: list[ColumnOut]
    rows: list[RowOut]


class MonitorReportOut(BaseModel):
    period_start: str
    period_end: str
    computed_at: str
    suppression_threshold: int
    tables: list[TableOut]


class ReportQuery(Schema):
    start: str | None = Field(None, pattern=MONTH, description="First month, YYYY-MM.")
    end: str | None = Field(None, pattern=MONTH, description="Last month, YYYY-MM.")
    centre: int | None = Field(None, description="A centre's id; default all you may see.")
    domain: str | None = Field(None, description="A signal domain; default all domains.")


def _audience(request: HttpRequest) -> Audience:
    try:
        return audience_of(request.user)  # type: ignore[arg-type]
    except NotFound:
        raise Http404 from None


@router.get("/figures", response=list[FigureOut], summary="The definitions of the figures")
def figures(request: HttpRequest) -> list[FigureOut]:
    _audience(request)
    return [
        FigureOut(
            key=f.key,
            label_nl=f.label_nl,
            label_en=f.label_en,
            formula_nl=f.formula_nl,
            formula_en=f.formula_en,
            unit=f.unit.value,
            sources=list(f.sources),
            counts_nl=f.counts_nl,
            counts_en=f.counts_en,
            references=list(f.references),
        )
        for f in FIGURES
    ]


@router.get("/references", response=list[ReferenceOut], summary="National reference figures")
def references(request: HttpRequest) -> list[ReferenceOut]:
    _audience(request)
    return [
        ReferenceOut(
            key=r.key,
            label_nl=r.label_nl,
            label_en=r.label_en,
            percent=r.percent,
            source=r.source,
            year=r.year,
        )
        for r in REFERENCES.values()
    ]


@router.get("/report", response=MonitorReportOut, summary="The figures of a period, suppressed")
def report(request: HttpRequest, query: Query[ReportQuery]) -> MonitorReportOut:
    from kansrijk.monitor.definitions import SUPPRESSION_THRESHOLD

    audience = _audience(request)
    default = Period.default()
    try:
        period = Period.parse(query.start or default.first_month, query.end or default.last_month)
    except (ValueError, OverflowError):  # "0000-01", "9999-12": shaped like a month, not one
        raise HttpError(422, "Not a month") from None
    if query.domain and query.domain not in Signal.Domain.values:
        raise HttpError(422, "Unknown domain")
    try:
        centres = audience.narrowed(query.centre)
    except NotFound:
        raise Http404 from None
    snapshot_refresh_request(period=period)
    found = report_for(period)
    if found is None:
        raise HttpError(
            503, "The figures of this period are being prepared; try again in a minute."
        )
    tables = found.view(centres, query.domain or "")
    log_access(
        by=request.user,  # type: ignore[arg-type]
        event=Event.EXPORT,
        purpose="monitor: aggregated figures",
        detail=f"monitor api {period.first_month}..{period.last_month} "
        f"centre={query.centre or 'all'} domain={query.domain or 'all'}",
    )
    return MonitorReportOut(
        period_start=found.period.start.isoformat(),
        period_end=found.period.end.isoformat(),
        computed_at=found.computed_at.isoformat(),
        suppression_threshold=SUPPRESSION_THRESHOLD,
        tables=[
            TableOut(
                figure=t.figure,
                title=t.heading,
                variant=t.variant,
                domain=t.domain,
                unit=t.unit,
                available=t.available,
                reason=t.reason,
                columns=[
                    ColumnOut(key=c.key, label=c.label, unit=t.column_unit(c)) for c in t.columns
                ],
                rows=[
                    RowOut(
                        key=row.key,
                        label=row.label,
                        centre=row.centre,
                        total=row.total,
                        cells=[
                            CellOut(
                                column=col.key,
                                value=None if cell.hidden else cell.value,
                                display=text,
                                suppressed=cell.status if cell.hidden else "",
                            )
                            for col, cell, text in cells
                        ],
                    )
                    for row, cells in t.body()
                ],
            )
            for t in tables
        ],
    )
