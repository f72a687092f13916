"""The only code that writes roster data: plan a week, register an absence, consent, feed tokens."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access
from kansrijk.core.models import Location, Professional
from kansrijk.roster import selectors, solver
from kansrijk.roster.models import (
    Absence,
    Availability,
    FeedToken,
    LocationRooms,
    Part,
    RosterRule,
    RosterWeek,
    Shift,
)
from kansrijk.roster.solver.replan import replan

PURPOSE = "roster"
#: How many weeks ahead the coordinator and the nightly run plan (this week included).
HORIZON_WEEKS = 6


def _save_week(iso_year: int, iso_week: int, shifts: tuple[solver.Shift, ...]) -> int:
    """Replace the week's shifts by ``shifts``; returns how many were written."""
    days = solver.week_days(iso_year, iso_week)
    rules = {r.code: r for r in RosterRule.objects.all()}
    locations = {
        loc.code: loc for loc in Location.objects.filter(code__in={s.location for s in shifts})
    }
    Shift.objects.filter(date__range=(days[0], days[-1])).delete()
    Shift.objects.bulk_create(
        Shift(
            person_id=int(s.person),
            location=locations[s.location],
            rule=rules.get(s.requirement),
            role=s.role,
            date=s.date,
            part=s.part.value,
        )
        for s in shifts
    )
    return len(shifts)


def _record_week(iso_year: int, iso_week: int, result: solver.Result) -> RosterWeek:
    """Keep the solver's verdict on the week (shortfalls and explanations) for the planning page."""
    week, _ = RosterWeek.objects.update_or_create(
        iso_year=iso_year,
        iso_week=iso_week,
        defaults={
            "solver_status": result.status.value,
            "shortfalls": {s.requirement: s.missing for s in result.shortfalls},
            "explanations": [
                {"code": e.code, "requirement": e.requirement, "params": dict(e.params)}
                for e in result.explanations
            ],
            "planned_at": timezone.now(),
        },
    )
    return week


def _now_slot() -> solver.Slot:
    local = timezone.localtime()
    return _current_slot(local.date(), Part.MORNING if local.hour < 12 else Part.AFTERNOON)


def _later(a: solver.Slot, b: solver.Slot) -> solver.Slot:
    return max(a, b, key=lambda s: (s[0], selectors.PART_ORDER[s[1].value]))


def plan_week(
    *,
    by: Professional | None,
    iso_year: int,
    iso_week: int,
    save: bool = True,
    options: solver.Options | None = None,
) -> solver.Result:
    """Plan a week from the active rules, staying close to last week's roster, and save it.

    A published week is not planned afresh: it is re-planned from the current half-day on,
    keeping the past and changing as little as it can (people rely on what was published).
    """
    label = selectors.week_label(iso_year, iso_week)
    published = RosterWeek.objects.filter(
        iso_year=iso_year, iso_week=iso_week, status=RosterWeek.Status.PUBLISHED
    ).exists()
    current = tuple(selectors.to_solver_shift(s) for s in selectors.week_shifts(iso_year, iso_week))
    if published and current:
        days = solver.week_days(iso_year, iso_week)
        now = _later(_now_slot(), (days[0], solver.Part.MORNING))
        if now[0] > days[-1]:
            return solver.Result(solver.Status.FEASIBLE, current)  # the past stays as it was
        problem = selectors.problem_for_week(iso_year, iso_week, stay_close_to_last_week=False)
        result = replan(problem, current, now, options)
    else:
        result = solver.solve(selectors.problem_for_week(iso_year, iso_week), options)
    if save:
        with transaction.atomic():
            count = _save_week(iso_year, iso_week, result.shifts) if result.shifts else 0
            _record_week(iso_year, iso_week, result)
            log_access(
                by=by,
                event=Event.WRITE,
                purpose=PURPOSE,
                detail=f"roster {label} {'re-planned' if published else 'planned'}: "
                f"{count} shifts {result.status}",
            )
    return result


def plan_horizon(
    *,
    by: Professional | None,
    weeks: int = HORIZON_WEEKS,
    start: date | None = None,
    options: solver.Options | None = None,
) -> list[tuple[str, solver.Result]]:
    """Plan the rolling horizon: this week and the weeks after it, each close to the one before.

    The current week is only re-planned from now on when it is published (see ``plan_week``);
    weeks that lie wholly in the past are never touched.
    """
    planned = []
    for iso_year, iso_week in selectors.horizon(weeks, start):
        result = plan_week(by=by, iso_year=iso_year, iso_week=iso_week, options=options)
        planned.append((selectors.week_label(iso_year, iso_week), result))
    return planned


def publish_week(*, by: Professional | None, iso_year: int, iso_week: int) -> RosterWeek | None:
    """Publish a planned week: staff and parents see it, and from now on it only gets re-plans.

    ``None`` when the week has no roster yet (nothing to publish).
    """
    with transaction.atomic():
        week = (
            RosterWeek.objects.select_for_update()
            .filter(iso_year=iso_year, iso_week=iso_week)
            .first()
        )
        if week is None or not selectors.week_shifts(iso_year, iso_week).exists():
            return None
        if not week.is_published:
            week.status = RosterWeek.Status.PUBLISHED
            week.published_at = timezone.now()
            week.published_by = by
            week.save(update_fields=["status", "published_at", "published_by"])
            log_access(
                by=by,
                event=Event.WRITE,
                purpose=PURPOSE,
                detail=f"roster {week.label} published",
            )
    return week


def _current_slot(day: date, part: str) -> solver.Slot:
    return (day, solver.Part(part))


def register_absence(
    *,
    by: Professional | None,
    professional: Professional,
    start: date,
    end: date,
    start_part: str = Part.MORNING,
    end_part: str = Part.AFTERNOON,
    reason: str = "",
    now: solver.Slot | None = None,
) -> solver.Result | None:
    """Record a sick call or leave and re-plan the rest of the affected week with few changes.

    Half-days before ``now`` (default: the absence's start, or the current half-day if later) are
    kept as they were. Returns the re-plan, or ``None`` when the week had no roster yet.
    """
    with transaction.atomic():
        Absence.objects.create(
            professional=professional,
            start=start,
            start_part=start_part,
            end=end,
            end_part=end_part,
            reason=reason,
        )
        log_access(
            by=by, event=Event.WRITE, purpose=PURPOSE, detail=f"absence of {professional.pk}"
        )
    iso_year, iso_week, _ = start.isocalendar()
    current = tuple(selectors.to_solver_shift(s) for s in selectors.week_shifts(iso_year, iso_week))
    if not current:
        return None
    local = timezone.localtime()
    clock = _current_slot(local.date(), Part.MORNING if local.hour < 12 else Part.AFTERNOON)
    first = _current_slot(start, start_part)
    if now is None:
        now = max(first, clock, key=lambda s: (s[0], selectors.PART_ORDER[s[1].value]))
    days = solver.week_days(iso_year, iso_week)
    if now[0] < days[0]:
        now = (days[0], solver.Part.MORNING)
    problem = selectors.problem_for_week(iso_year, iso_week, stay_close_to_last_week=False)
    if now[0] > days[-1]:
        return None
    result = replan(problem, current, now)
    if result.shifts:
        with transaction.atomic():
            _save_week(iso_year, iso_week, result.shifts)
            log_access(
                by=by,
                event=Event.WRITE,
                purpose=PURPOSE,
                detail=f"roster {selectors.week_label(iso_year, iso_week)} re-planned",
            )
    return result


def set_public_name(*, by: Professional | None, professional: Professional, allowed: bool) -> None:
    """Record the professional's consent (or its withdrawal) to show their name publicly."""
    with transaction.atomic():
        Availability.objects.update_or_create(
            professional=professional, defaults={"public_name": allowed}
        )
        log_access(
            by=by,
            event=Event.WRITE,
            purpose=PURPOSE,
            detail=f"public name of {professional.pk}: {allowed}",
        )


def set_availability(
    *, professional: Professional, locations: list[Location] | None = None, **fields: object
) -> Availability:
    """Contract hours, days off, available half-days, preferences, places and extra functions."""
    availability, _ = Availability.objects.update_or_create(
        professional=professional, defaults=fields
    )
    availability.locations.set(locations or [])
    return availability


def set_rooms(*, location: Location, rooms: int) -> None:
    LocationRooms.objects.update_or_create(location=location, defaults={"rooms": rooms})


def save_rule(
    *,
    code: str,
    locations: list[Location],
    people: list[Professional] | None = None,
    **fields: object,
) -> RosterRule:
    """Create or update a roster rule by its code."""
    with transaction.atomic():
        rule, _ = RosterRule.objects.update_or_create(code=code, defaults=fields)
        rule.locations.set(locations)
        rule.people.set(people or [])
    return rule


def feed_token_create(*, by: Professional) -> FeedToken:
    """A new secret address for the professional's own calendar feed."""
    with transaction.atomic():
        token = FeedToken.objects.create(professional=by)
        log_access(by=by, event=Event.WRITE, purpose=PURPOSE, detail="calendar feed created")
    return token


def feed_token_revoke(*, by: Professional, token_id: int) -> bool:
    """Revoke one of the professional's feed tokens; ``False`` if it is not theirs or not live."""
    with transaction.atomic():
        revoked = FeedToken.objects.filter(
            pk=token_id, professional=by, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        if revoked:
            log_access(by=by, event=Event.WRITE, purpose=PURPOSE, detail="calendar feed revoked")
    return bool(revoked)
