"""Reads of the monitor: reports from snapshots, comments for the coordinator, closed cases."""

from __future__ import annotations

import datetime
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from kansrijk.access.matrix import Action
from kansrijk.access.policies import filter_cases
from kansrijk.cases.models import Case
from kansrijk.cases.workflow import CaseState
from kansrijk.monitor.audience import Audience
from kansrijk.monitor.models import ExperienceResponse, MonitorSnapshot
from kansrijk.monitor.periods import Period
from kansrijk.monitor.reports import Report

if TYPE_CHECKING:
    from kansrijk.core.models import Professional

#: A snapshot older than this is served, and a refresh is queued (monitor.services).
SNAPSHOT_MAX_AGE = datetime.timedelta(minutes=10)


#: Reports parsed from their snapshots, per process: a region's snapshot is megabytes of
#: JSON (145 tables of 120 centres), parsed once per snapshot and process instead of on
#: every view of the monitor (issue 17: 245 -> ... ms a page at region scale). A refreshed
#: snapshot has a new `computed_at`, so a new key; the oldest keys are dropped.
_parsed: OrderedDict[tuple[int, datetime.datetime], Report] = OrderedDict()
_parsed_lock = threading.Lock()
PARSED_REPORTS = 16


def report_for(period: Period) -> Report | None:
    """The period's figures from its snapshot; None while the first one is being prepared.

    Reads only: queuing a refresh is `services.snapshot_refresh_request`, computing is the
    background task's, so a page never computes in the request."""
    snapshots = MonitorSnapshot.objects.filter(period_start=period.start, period_end=period.end)
    key = snapshots.values_list("pk", "computed_at").first()
    if key is None:
        return None
    with _parsed_lock:
        if key in _parsed:
            _parsed.move_to_end(key)
            return _parsed[key]
    data = snapshots.filter(pk=key[0], computed_at=key[1]).values_list("data", flat=True).first()
    if data is None:  # refreshed in between: the newer one, read whole
        data = snapshots.values_list("data", flat=True).first()
        return None if data is None else Report.from_data(data)
    report = Report.from_data(data)
    with _parsed_lock:
        _parsed[key] = report
        while len(_parsed) > PARSED_REPORTS:
            _parsed.popitem(last=False)
    return report


def snapshot_computed_at(period: Period) -> datetime.datetime | None:
    return (
        MonitorSnapshot.objects.filter(period_start=period.start, period_end=period.end)
        .values_list("computed_at", flat=True)
        .first()
    )


@dataclass(frozen=True)
class Comment:
    centre: str
    month: str
    text: str


def experience_comments(audience: Audience, period: Period) -> list[Comment]:
    """Parents' comments on cases closed in the period, without names, for the coordinator."""
    if not audience.reads_comments:
        return []
    answers = (
        ExperienceResponse.objects.filter(
            case__closed_at__gte=period.start_at, case__closed_at__lt=period.end_at
        )
        .exclude(comment="")
        .order_by("case__location__name", "case__closed_at", "id")
        .values_list("case__location__name", "case__closed_at", "comment")
    )
    return [
        Comment(centre, timezone.localtime(closed).strftime("%Y-%m"), text)
        for centre, closed, text in answers
    ]


def closed_cases_awaiting_experience(user: Professional) -> QuerySet[Case]:
    """Closed cases the user may edit for which no parents' answers are recorded yet."""
    return (
        filter_cases(Case.objects.all(), user, Action.EDIT)
        .filter(state=CaseState.CLOSED)
        .exclude(experiences__moment=ExperienceResponse.Moment.CLOSING)
        .select_related("location")
        .order_by("-closed_at", "-id")
    )
