"""Reads of the monitor: reports from snapshots, comments for the coordinator, closed cases."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from kansrijk.access.matrix import Action
from kansrijk.cases.models import Case
from kansrijk.cases.selectors import Visible, compiled_list
from kansrijk.cases.workflow import CaseState
from kansrijk.monitor.audience import Audience
from kansrijk.monitor.models import ExperienceResponse, MonitorSnapshot
from kansrijk.monitor.periods import Period
from kansrijk.monitor.reports import Report
from kansrijk.plans import GENERIC

if TYPE_CHECKING:
    from kansrijk.core.models import Professional

#: A snapshot older than this is served, and a refresh is queued (monitor.services).
SNAPSHOT_MAX_AGE = datetime.timedelta(minutes=10)


def report_for(period: Period) -> Report | None:
    """The period's figures from its snapshot; None while the first one is being prepared.

    Reads only: queuing a refresh is `services.snapshot_refresh_request`, computing is the
    background task's, so a page never computes in the request."""
    return report_and_time(period)[0]


def report_and_time(period: Period) -> tuple[Report | None, datetime.datetime | None]:
    """`report_for` and when its snapshot was computed (None: there is none), read together
    so that a page asks the snapshot's time once (its refresh check needs it)."""
    snapshots = MonitorSnapshot.objects.filter(period_start=period.start, period_end=period.end)
    key = snapshots.values_list("pk", "computed_at").first()
    if key is None:
        return None, None
    report = _parsed_report(*key)
    if report is None:  # refreshed in between: the newer one, read whole
        data = snapshots.values_list("data", flat=True).first()
        return (None if data is None else Report.from_data(data)), key[1]
    return report, key[1]


@lru_cache(maxsize=16)
def _parsed_report(pk: int, computed_at: datetime.datetime) -> Report | None:
    """A snapshot's report, parsed once per process: a region's snapshot is megabytes of
    JSON (145 tables of 120 centres; issue 17: 245 -> 43 ms a monitor page at region scale).
    A refreshed snapshot has a new `computed_at`, so a new key."""
    data = (
        MonitorSnapshot.objects.filter(pk=pk, computed_at=computed_at)
        .values_list("data", flat=True)
        .first()
    )
    return None if data is None else Report.from_data(data)


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


def closed_cases_awaiting_experience(user: Professional, bound: int) -> list[Case]:
    """The newest `bound` closed cases the user may edit for which no parents' answers are
    recorded yet. With the plan PostgreSQL keeps (kansrijk.plans): planning the access filter
    cost 2.3 ms a view, the kept plan runs in 0.3 (region at 1.0, plan check)."""
    return compiled_list(
        user, Action.EDIT, ("awaiting experience", bound),
        lambda uid, visible: _awaiting_experience(visible, bound), per_user=False, plan=GENERIC,
    )  # fmt: skip


def _awaiting_experience(visible: Visible, bound: int) -> QuerySet[Case]:
    return (
        Case.objects.filter(visible("pk"), state=CaseState.CLOSED)
        .exclude(experiences__moment=ExperienceResponse.Moment.CLOSING)
        .select_related("location")
        .order_by("-closed_at", "-id")[:bound]
    )
