"""Demo meetings: the weekly care meeting chaired by the coordinator ("regisseur") with the
three directors, and a support-team meeting (VOT) per child centre at its own rhythm, each
with its next meeting planned and its agenda generated from the demo cases."""

from __future__ import annotations

import datetime

from django.utils import timezone

from kansrijk.access.roles import Role
from kansrijk.core.models import Location, Membership, Professional
from kansrijk.meetings import services
from kansrijk.meetings.models import MeetingKind, MeetingSeries, Weekday

#: Per centre: VOT weekday, time and rhythm (every 2 or 4 weeks, seed 001).
VOT_RHYTHMS: dict[str, tuple[int, datetime.time, int]] = {
    "pwa": (Weekday.WEDNESDAY, datetime.time(13, 30), 2),
    "schakel": (Weekday.THURSDAY, datetime.time(14, 0), 2),
    "wereldwijzer": (Weekday.MONDAY, datetime.time(14, 30), 4),
}


def _people(*usernames: str) -> list[Professional]:
    found = {
        p.username: p for p in Professional.objects.filter(username__in=usernames, is_active=True)
    }
    return [found[name] for name in usernames if name in found]


def _at(location: Location, role: Role) -> list[Professional]:
    ids = Membership.objects.filter(location=location, role=role).values("professional_id")
    return list(Professional.objects.filter(pk__in=ids, is_active=True).order_by("username"))


def seed_meetings_demo(today: datetime.date | None = None) -> str:
    """Create the series (once) and plan their next meetings with a generated agenda."""
    today = today or timezone.localdate()
    coordinator = Professional.objects.filter(username="regisseur").first()
    if coordinator is None:
        return "meetings: no coordinator 'regisseur', nothing made"
    monday = today - datetime.timedelta(days=today.weekday())
    made = 0
    if not MeetingSeries.objects.filter(kind=MeetingKind.CARE_MEETING, chair=coordinator).exists():
        directors = _people("directeur.pwa", "directeur.schakel", "directeur.wereldwijzer")
        services.series_create(
            by=coordinator,
            kind=MeetingKind.CARE_MEETING,
            name="Wekelijks zorgoverleg Westwijk",
            location=None,
            weekday=Weekday.TUESDAY,
            start_time=datetime.time(8, 30),
            every_weeks=1,
            duration_minutes=45,
            members=directors,
            starts_on=monday,
        )
        made += 1
    for code, (weekday, start, weeks) in VOT_RHYTHMS.items():
        location = Location.objects.filter(code=code).first()
        if location is None:
            continue
        coaches = _at(location, Role.INTERNAL_COACH)
        chair = coaches[0] if coaches else coordinator
        if MeetingSeries.objects.filter(
            kind=MeetingKind.SUPPORT_TEAM_MEETING, location=location
        ).exists():
            continue
        members = (
            _at(location, Role.EDUCATION_SPECIALIST)
            + _at(location, Role.FAMILY_SPECIALIST)
            + ([coordinator] if chair != coordinator else [])
        )
        services.series_create(
            by=chair,
            kind=MeetingKind.SUPPORT_TEAM_MEETING,
            name=f"VOT {location.name}",
            location=location,
            weekday=weekday,
            start_time=start,
            every_weeks=weeks,
            duration_minutes=60,
            members=members,
            starts_on=monday,
        )
        made += 1
    return f"meetings: {made} series with their next meetings and agendas"
