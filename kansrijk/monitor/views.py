"""Pages of the monitor: the dashboard per audience, definitions, exports, the quarter report,
the coordinator's comments, and recording a parent's answers after closure.

Aggregates only: no page here shows a child or a family name. Who sees what is decided by
monitor.audience; everyone else gets the same 404 as for a page that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, wraps
from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kansrijk.access.matrix import Action
from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.selectors import case_for
from kansrijk.cases.workflow import CaseState
from kansrijk.monitor import exports, themes
from kansrijk.monitor.audience import Audience, audience_of
from kansrijk.monitor.charts import sections
from kansrijk.monitor.definitions import FIGURES, REFERENCES
from kansrijk.monitor.figures import region_centres
from kansrijk.monitor.forms import ExperienceForm, FilterForm, QuarterForm
from kansrijk.monitor.models import ReportFile
from kansrijk.monitor.periods import Period
from kansrijk.monitor.reports import Report
from kansrijk.monitor.selectors import (
    closed_cases_awaiting_experience,
    experience_comments,
    report_and_time,
)
from kansrijk.monitor.services import (
    experience_record,
    report_file_content,
    report_file_request,
    snapshot_refresh_request,
)
from kansrijk.monitor.tables import Table

View = Callable[..., HttpResponse]


def monitor_view(view: View) -> View:
    """Answer 404 to anyone without a monitor audience; pass the audience to the view."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            audience = audience_of(request.user)  # type: ignore[arg-type]
        except NotFound:
            raise Http404 from None
        return view(request, audience, *args, **kwargs)

    return wrapper


class FiguresPreparing(Exception):
    """The period has no snapshot yet; a refresh is queued."""


def _report(period: Period) -> Report:
    """The period's report from its snapshot (a refresh is queued when it is stale or
    missing); FiguresPreparing while there is none: a page never computes the figures."""
    report, computed = report_and_time(period)
    if snapshot_refresh_request(period=period, computed=computed):
        report = report_and_time(period)[0]  # an immediate task backend has computed it
    if report is None:
        raise FiguresPreparing
    return report


def _preparing(request: HttpRequest, status: int) -> HttpResponse:
    response = render(request, "monitor/preparing.html", status=status)
    response["Retry-After"] = "60"
    return response


#: Centres per page of the dashboard: a region of 120 centres made a 1.2 MB page (issue 17).
#: The exports hold every centre.
CENTRES_PER_PAGE = 15


@dataclass(frozen=True)
class CentrePage:
    number: int
    pages: int
    ids: frozenset[int] | None  # None: every centre fits on one page

    @property
    def previous(self) -> int:
        return self.number - 1

    @property
    def next(self) -> int:
        return self.number + 1


def _centre_page(centres: list[tuple[int, str]], requested: str | None) -> CentrePage:
    pages = max(1, -(-len(centres) // CENTRES_PER_PAGE))
    if pages == 1:
        return CentrePage(1, 1, None)
    number = min(max(int(requested) if requested and requested.isdecimal() else 1, 1), pages)
    start = (number - 1) * CENTRES_PER_PAGE
    return CentrePage(
        number, pages, frozenset(pk for pk, _name in centres[start : start + CENTRES_PER_PAGE])
    )


def _audience_centres(audience: Audience) -> list[tuple[int, str]]:
    return [
        (pk, name)
        for pk, name in region_centres()
        if audience.centres is None or pk in audience.centres
    ]


@dataclass(frozen=True)
class Chosen:
    """What the filter form chose. Without a query: the default period, every centre and
    every domain, and the form is not built (its 120 centres' choices cost the dashboard
    ~0.35 ms a view at region scale 1.0, issue 17); `valid` is the form's `is_valid()`."""

    period: Period
    centre: int | None
    domain: str
    valid: bool


def _filtered(
    request: HttpRequest,
    audience: Audience,
    page: CentrePage | None = None,
    centres: list[tuple[int, str]] | None = None,
) -> tuple[FilterForm, Chosen, Report, Callable[[], list[Table]]]:
    """The filter form (built when first used), what it chose, the period's report and its
    tables as this audience may see them, made when first asked for (the dashboard's figures,
    rendered once per process, need them only then: 1.5 ms a view at region scale 1.0); with
    `page`, only that page's centres (and the totals) unless one centre is chosen.
    `centres`: the audience's, when the caller has read them."""
    if centres is None:
        centres = _audience_centres(audience)
    audience_centres = centres
    form = cast(
        FilterForm,
        SimpleLazyObject(lambda: FilterForm(request.GET or None, centres=audience_centres)),
    )
    if request.GET:
        valid = form.is_valid()
        chosen = Chosen(form.period(), form.chosen_centre(), form.chosen_domain(), valid)
    else:
        chosen = Chosen(Period.default(), None, "", valid=False)
    report = _report(chosen.period)
    shown = audience.narrowed(chosen.centre)
    if page is not None and page.ids is not None and chosen.centre is None:
        shown = page.ids
    return form, chosen, report, cache(lambda: report.view(shown, chosen.domain))


def _log_export(request: HttpRequest, kind: str, report: Report, chosen: Chosen | None) -> None:
    filters = ""
    if chosen is not None and chosen.valid:
        filters = f" centre={chosen.centre or 'all'} domain={chosen.domain or 'all'}"
    log_access(
        by=request.user,  # type: ignore[arg-type]
        event=Event.EXPORT,
        purpose="monitor: aggregated figures",
        detail=f"monitor {kind} {report.period.first_month}..{report.period.last_month}{filters}",
    )


def _attachment(report: Report, extension: str) -> str:
    period = report.period
    return f'attachment; filename="monitor-{period.first_month}-{period.last_month}.{extension}"'


@monitor_view
def dashboard(request: HttpRequest, audience: Audience) -> HttpResponse:
    centres = _audience_centres(audience)
    page = _centre_page(centres, request.GET.get("centres_page"))
    try:
        form, chosen, report, tables = _filtered(request, audience, page, centres)
    except NotFound:
        raise Http404 from None
    except FiguresPreparing:
        return _preparing(request, status=200)
    query = request.GET.copy()
    query.pop("centres_page", None)
    # The figures and their headlines are the same for everyone with this audience, period and
    # filter until the next snapshot: rendered once per process (`monitor_figures` and
    # `monitor_headlines` in the template), the tables made only for that.
    figures_key = repr(
        (
            report.period,
            report.computed_at,
            audience,
            chosen.centre,
            chosen.domain,
            page.number,
        )
    )
    # The forms without a query, the same for every view of this audience in this year.
    forms_key = "" if request.GET else repr((centres, timezone.localdate().year))
    return render(
        request,
        "monitor/dashboard.html",
        {
            "form": form,
            "report": report,
            "figures_key": figures_key,
            "forms_key": forms_key,
            "headlines": cache(lambda: themes.headlines(tables())),
            "themes": cache(lambda: themes.by_theme(sections(tables()))),
            "audience": audience,
            "quarter_form": SimpleLazyObject(QuarterForm),
            "query": query.urlencode(),
            "centre_page": page if chosen.centre is None else None,
            "references": REFERENCES.values(),
        },
    )


@monitor_view
def definitions(request: HttpRequest, audience: Audience) -> HttpResponse:
    return render(
        request,
        "monitor/definitions.html",
        {
            "figures": FIGURES,
            "references": REFERENCES.values(),
        },
    )


@monitor_view
def export_csv(request: HttpRequest, audience: Audience) -> HttpResponse:
    try:
        _form, chosen, report, tables = _filtered(request, audience)
    except NotFound:
        raise Http404 from None
    except FiguresPreparing:
        return _preparing(request, status=503)
    _log_export(request, "csv", report, chosen)
    response = HttpResponse(
        exports.to_csv(report, tables()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = _attachment(report, "csv")
    return response


@monitor_view
def export_xlsx(request: HttpRequest, audience: Audience) -> HttpResponse:
    try:
        _form, chosen, report, tables = _filtered(request, audience)
    except NotFound:
        raise Http404 from None
    except FiguresPreparing:
        return _preparing(request, status=503)
    _log_export(request, "xlsx", report, chosen)
    response = HttpResponse(
        exports.to_xlsx(report, tables()),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = _attachment(report, "xlsx")
    return response


@monitor_view
def quarter_report(request: HttpRequest, audience: Audience) -> HttpResponse:
    form = QuarterForm(request.GET)
    if not form.is_valid():
        return render(request, "monitor/quarter_invalid.html", {"quarter_form": form}, status=400)
    year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
    try:
        report = _report(Period.quarter(year, quarter))
    except FiguresPreparing:
        return _preparing(request, status=503)
    file = report_file_request(
        year=year, quarter=quarter, centres=audience.centres, language=get_language(),
        computed=report.computed_at,
    )  # fmt: skip
    if file.computed_at is None:  # never made yet: being made, or failed
        failed = file.status == ReportFile.Status.FAILED
        response = render(
            request, "monitor/report_making.html", {"failed": failed}, status=503 if failed else 202
        )
        response["Retry-After"] = "15"
        return response
    _log_export(request, "pdf", report, None)
    response = HttpResponse(report_file_content(file.pk), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="monitor-{year}-Q{quarter}.pdf"'
    return response


@monitor_view
def comments(request: HttpRequest, audience: Audience) -> HttpResponse:
    if not audience.reads_comments:
        raise Http404
    form = FilterForm(request.GET or None, centres=[])
    period = form.period()
    found = experience_comments(audience, period)
    log_access(
        by=request.user,  # type: ignore[arg-type]
        event=Event.LIST,
        purpose="monitor: parents' comments",
        detail=f"{len(found)} comments {period.first_month}..{period.last_month}",
    )
    return render(
        request,
        "monitor/comments.html",
        {
            "form": form,
            "period": period,
            "comments": found,
        },
    )


def experience_list(request: HttpRequest) -> HttpResponse:
    cases = closed_cases_awaiting_experience(request.user, 100)  # type: ignore[arg-type]
    if cases:
        log_access(
            by=request.user,  # type: ignore[arg-type]
            event=Event.LIST,
            purpose="monitor: parents' experience",
            detail="closed cases: " + ",".join(str(c.pk) for c in cases),
        )
    return render(request, "monitor/experience_list.html", {"cases": cases})


def experience_new(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        case = case_for(request.user, case_id, Action.EDIT)  # type: ignore[arg-type]
    except NotFound:
        raise Http404 from None
    if case.state != CaseState.CLOSED:
        raise Http404
    form = ExperienceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        comment = data.pop("comment", "")
        try:
            experience_record(
                by=request.user,  # type: ignore[arg-type]
                case_id=case.pk,
                scores=data,
                comment=comment,
            )
        except NotFound:
            raise Http404 from None
        except CaseError as error:
            if error.field and error.field in form.fields:
                form.add_error(error.field, error.message)
            else:
                form.add_error(None, error.message)
        else:
            messages.success(request, _("The parents' answers are recorded. Thank you."))
            return redirect("monitor:experience_list")
    if request.method == "GET":
        log_access(
            by=request.user,  # type: ignore[arg-type]
            event=Event.READ,
            purpose="monitor: parents' experience",
            case_id=case.pk,
            family_id=case.family_id,
            detail="experience form",
        )
    return render(request, "monitor/experience_form.html", {"case": case, "form": form})
