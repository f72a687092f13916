"""Meetings on top of the shared world: the coordinator chairs the weekly care meeting with
the school's director; cases are walked along the zorgroute with tests.cases.route."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, cast

import pytest
from django.utils import timezone

from kansrijk.cases.models import Case, Child, Signal, Step
from kansrijk.core.models import Location, Professional
from kansrijk.meetings import services
from kansrijk.meetings.models import Meeting, MeetingKind, WithoutConsent
from tests.conftest import World
from tests.factories import ChildFactory

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def make_series_meeting(
    world: World,
    *,
    kind: str = MeetingKind.CARE_MEETING,
    chair: Professional | None = None,
    members: list[Professional] | None = None,
    location: Location | None = None,
    without_consent: str = WithoutConsent.ANONYMISE,
) -> Meeting:
    """A series whose first meeting is tomorrow at 09:00, planned with its agenda."""
    chair = chair or world.coordinator
    series = services.series_create(
        by=chair,
        kind=kind,
        name="Zorgoverleg" if kind == MeetingKind.CARE_MEETING else "VOT",
        location=location,
        weekday=TOMORROW.weekday(),
        start_time=datetime.time(9, 0),
        every_weeks=1,
        duration_minutes=30,
        members=members if members is not None else [world.director],
        without_consent=without_consent,
        starts_on=timezone.localdate(),
    )
    return Meeting.objects.filter(series=series).order_by("starts_at").first()  # type: ignore[return-value]


@pytest.fixture
def care_meeting(world: World) -> Callable[..., Meeting]:
    def make(**kwargs: object) -> Meeting:
        return make_series_meeting(world, **kwargs)  # type: ignore[arg-type]

    return make


def age_case(case: Case, days: int = 30) -> Case:
    """Push everything that happened on the case `days` back: no longer new, and stalled."""
    then = timezone.now() - datetime.timedelta(days=days)
    Case.objects.filter(pk=case.pk).update(last_step_at=then, opened_at=then)
    Signal.objects.filter(case=case).update(created_at=then)
    Step.objects.filter(case=case).update(at=then)
    case.refresh_from_db()
    return case


def a_child(world: World, **kwargs: Any) -> Child:
    """A pupil of the world's school."""
    return cast(Child, ChildFactory(location=world.school, **kwargs))
