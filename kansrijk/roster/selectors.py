"""Reads for the roster: the week as solver input, and shifts for the pages and feeds."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from kansrijk.core.models import Location, Membership, Professional
from kansrijk.roster import solver
from kansrijk.roster.models import (
    CONSULTATION_FUNCTIONS,
    PART_HOURS,
    Absence,
    Activity,
    Attendance,
    Availability,
    Booking,
    Enrolment,
    FeedToken,
    LocationRooms,
    Parts,
    RosterRule,
    RosterWeek,
    Shift,
    SwapRequest,
)

PART_ORDER = {solver.Part.MORNING.value: 0, solver.Part.AFTERNOON.value: 1}
DEFAULT_ROOMS = 2


def parse_week(text: str | None, today: date | None = None) -> tuple[int, int]:
    """ "2026-W48" as (2026, 48); the current week when empty or malformed."""
    if text:
        try:
            year_text, week_text = text.upper().split("-W")
            date.fromisocalendar(int(year_text), int(week_text), 1)
            return int(year_text), int(week_text)
        except ValueError:
            pass
    calendar = (today or timezone.localdate()).isocalendar()
    return calendar.year, calendar.week


def week_label(iso_year: int, iso_week: int) -> str:
    """The week as the URLs and the API name it ("2026-W49"); people read week_display."""
    return f"{iso_year}-W{iso_week:02d}"


def week_display(iso_year: int, iso_week: int) -> str:
    """The week as a Dutch reader names it: "week 49 (30 nov – 4 dec)", Monday to Friday."""
    monday = date.fromisocalendar(iso_year, iso_week, 1)
    friday = monday + timedelta(days=4)
    return gettext("week %(number)s (%(first)s – %(last)s)") % {
        "number": iso_week,
        "first": date_format(monday, "j b"),
        "last": date_format(friday, "j b"),
    }


def neighbour_week(iso_year: int, iso_week: int, step: int) -> str:
    monday = date.fromisocalendar(iso_year, iso_week, 1) + timedelta(weeks=step)
    year, week, _ = monday.isocalendar()
    return week_label(year, week)


def _numbers(text: str) -> frozenset[int]:
    # Stripped once: str.strip() takes control characters such as "\x1f" that int() keeps.
    numbers = (n.strip() for n in text.split(","))
    return frozenset(int(n) for n in numbers if n.isdecimal())


def _half_days(text: str) -> frozenset[tuple[int, solver.Part]] | None:
    if not text.strip():
        return None
    parts = {"m": solver.Part.MORNING, "a": solver.Part.AFTERNOON}
    found = set()
    for item in text.split(","):
        item = item.strip()
        if len(item) == 2 and item[0].isdecimal() and item[1] in parts:
            found.add((int(item[0]), parts[item[1]]))
    return frozenset(found)


def _absent_slots(absences: list[Absence], days: tuple[date, ...]) -> frozenset[solver.Slot]:
    slots = set()
    for a in absences:
        first = (a.start, PART_ORDER[a.start_part])
        last = (a.end, PART_ORDER[a.end_part])
        for day in days:
            for part in solver.PARTS:
                if first <= (day, PART_ORDER[part.value]) <= last:
                    slots.add((day, part))
    return frozenset(slots)


def _rule_to_requirement(rule: RosterRule) -> solver.Requirement:
    parts = {
        Parts.BOTH: solver.model.BOTH_PARTS,
        Parts.MORNING: frozenset({solver.Part.MORNING}),
        Parts.AFTERNOON: frozenset({solver.Part.AFTERNOON}),
    }[Parts(rule.parts)]
    return solver.Requirement(
        id=rule.code,
        label=rule.label,
        role=rule.function,
        locations=tuple(sorted(loc.code for loc in rule.locations.all())),
        amount=rule.amount,
        unit=solver.Unit(rule.unit),
        parts=parts,
        weekdays=_numbers(rule.weekdays),
        people=frozenset(str(p.pk) for p in rule.people.all()),
        stand_ins=frozenset(str(p.pk) for p in rule.stand_ins.all()),
        fixed=rule.fixed,
        rotation=rule.rotation,
        rotation_offset=rule.rotation_offset,
        max_concurrent=rule.max_concurrent,
        distinct_days=rule.distinct_days,
        needs_room=rule.needs_room,
    )


def to_solver_shift(shift: Shift) -> solver.Shift:
    return solver.Shift(
        person=str(shift.person_id),
        requirement=shift.rule.code if shift.rule else "",
        role=shift.role,
        location=shift.location.code,
        date=shift.date,
        part=solver.Part(shift.part),
    )


def week_shifts(iso_year: int, iso_week: int) -> QuerySet[Shift]:
    days = solver.week_days(iso_year, iso_week)
    return Shift.objects.filter(date__range=(days[0], days[-1])).select_related(
        "person", "location", "rule"
    )


def problem_for_week(
    iso_year: int, iso_week: int, *, stay_close_to_last_week: bool = True
) -> solver.Problem:
    """The week as solver input: active rules, everyone they could use, rooms and absences."""
    days = solver.week_days(iso_year, iso_week)
    rules = list(
        RosterRule.objects.filter(active=True).prefetch_related("locations", "people", "stand_ins")
    )
    requirements = tuple(_rule_to_requirement(r) for r in rules)
    functions = {r.function for r in rules}
    named = {pid for r in requirements for pid in r.people | r.stand_ins}
    availability = {
        a.professional_id: a for a in Availability.objects.prefetch_related("locations")
    }
    extra = {
        pk: {f.strip() for f in a.functions.split(",") if f.strip()}
        for pk, a in availability.items()
    }
    memberships: dict[int, list[Membership]] = defaultdict(list)
    for m in Membership.objects.filter(role__in=functions):
        memberships[m.professional_id].append(m)
    candidates = (
        set(memberships)
        | {pk for pk, fs in extra.items() if fs & functions}
        | {int(pid) for pid in named}
    )
    absences: dict[int, list[Absence]] = defaultdict(list)
    for absence in Absence.objects.filter(
        start__lte=days[-1], end__gte=days[0], professional__in=candidates
    ):
        absences[absence.professional_id].append(absence)
    people = []
    for person in Professional.objects.filter(pk__in=candidates, is_active=True).order_by("pk"):
        own = memberships.get(person.pk, [])
        roles = frozenset({m.role for m in own} | extra.get(person.pk, set()))
        a = availability.get(person.pk)
        works_at = frozenset(loc.code for loc in a.locations.all()) if a else frozenset()
        people.append(
            solver.Person(
                id=str(person.pk),
                name=str(person),
                roles=roles,
                max_half_days=(a.hours_per_week // 4) if a else 10,
                days_off=_numbers(a.days_off) if a else frozenset(),
                available=_half_days(a.half_days) if a else None,
                absent=_absent_slots(absences.get(person.pk, []), days),
                preferred_days=_numbers(a.preferred_days) if a else frozenset(),
                locations=works_at,
            )
        )
    codes = {code for r in requirements for code in r.locations}
    rooms = {r.location_id: r.rooms for r in LocationRooms.objects.all()}
    locations = tuple(
        solver.Location(loc.code, loc.name, rooms=rooms.get(loc.pk, DEFAULT_ROOMS))
        for loc in Location.objects.filter(code__in=codes).order_by("code")
    )
    previous: tuple[solver.Shift, ...] = ()
    if stay_close_to_last_week:
        year, week, _ = (days[0] - timedelta(weeks=1)).isocalendar()
        previous = tuple(to_solver_shift(s) for s in week_shifts(year, week))
    return solver.Problem(
        iso_year, iso_week, locations, tuple(people), requirements, previous=previous
    )


@dataclass(frozen=True)
class Cell:
    """The shifts of one half-day, for a week table."""

    day: date
    part: str
    shifts: list[Shift]


def week_table(shifts: list[Shift], iso_year: int, iso_week: int) -> list[tuple[date, list[Cell]]]:
    """Shifts grouped per day and half-day (morning first), for the week pages."""
    cells: dict[tuple[date, str], list[Shift]] = defaultdict(list)
    for s in shifts:
        cells[(s.date, s.part)].append(s)
    return [
        (
            day,
            [
                Cell(
                    day,
                    part.value,
                    sorted(cells[(day, part.value)], key=lambda s: (s.role, str(s.person))),
                )
                for part in solver.PARTS
            ],
        )
        for day in solver.week_days(iso_year, iso_week)
    ]


def shifts_at(location: Location, iso_year: int, iso_week: int) -> list[Shift]:
    return list(week_shifts(iso_year, iso_week).filter(location=location))


def shifts_of(person: Professional, iso_year: int, iso_week: int) -> list[Shift]:
    return list(week_shifts(iso_year, iso_week).filter(person=person))


def stand_in_for(professional: Professional, day: date) -> list[Shift]:
    """Who stands in for ``professional`` on ``day``: the stand-ins' shifts of the rules they
    normally fill (a GS's centre, the SWV's three), each with its location and half-day.

    Empty when nobody stands in (the professional is present, or no stand-in could be found).
    """
    roles = set(professional.memberships.values_list("role", flat=True))
    availability = Availability.objects.filter(professional=professional).first()
    if availability is not None:
        roles |= {f.strip() for f in availability.functions.split(",") if f.strip()}
    rules = RosterRule.objects.filter(active=True, stand_ins__isnull=False).filter(
        Q(function__in=roles) | Q(people=professional)
    )
    if availability is not None and availability.locations.exists():
        rules = rules.filter(locations__in=availability.locations.all())
    found = list(rules.distinct().prefetch_related("stand_ins"))
    backups = {p.pk for rule in found for p in rule.stand_ins.all()} - {professional.pk}
    shifts = Shift.objects.filter(rule__in=found, date=day, person__in=backups).select_related(
        "person", "location", "rule"
    )
    return sorted(shifts, key=lambda s: (PART_ORDER[s.part], s.location.name))


def shifts_on(location: Location, day: date) -> list[Shift]:
    shifts = Shift.objects.filter(location=location, date=day).select_related("person", "rule")
    return sorted(shifts, key=lambda s: (PART_ORDER[s.part], s.role, str(s.person)))


def rostered_locations() -> QuerySet[Location]:
    """Locations that appear in a rule: the child centres of the plan."""
    return Location.objects.filter(roster_rules__active=True).distinct().order_by("name")


def public_names() -> set[int]:
    """Professionals who agreed to have their name on public pages."""
    return set(
        Availability.objects.filter(public_name=True).values_list("professional_id", flat=True)
    )


def feed_owner(token: str) -> Professional | None:
    """The professional of a live feed token; ``None`` for unknown or revoked tokens."""
    found = (
        FeedToken.objects.filter(token=token, revoked_at__isnull=True)
        .select_related("professional")
        .first()
    )
    return found.professional if found else None


def feed_tokens_of(person: Professional) -> QuerySet[FeedToken]:
    return FeedToken.objects.filter(professional=person, revoked_at__isnull=True)


def published_weeks() -> set[tuple[int, int]]:
    return set(
        RosterWeek.objects.filter(status=RosterWeek.Status.PUBLISHED).values_list(
            "iso_year", "iso_week"
        )
    )


def published_only(shifts: list[Shift]) -> list[Shift]:
    """The shifts that lie in published weeks: parents never see a draft."""
    weeks = published_weeks()
    return [s for s in shifts if tuple(s.date.isocalendar())[:2] in weeks]


def feed_shifts(
    *,
    person: Professional | None = None,
    location: Location | None = None,
    around: date | None = None,
) -> list[Shift]:
    """Shifts from four weeks back to eight weeks ahead, for calendar feeds."""
    today = around or timezone.localdate()
    qs = Shift.objects.filter(
        date__range=(today - timedelta(weeks=4), today + timedelta(weeks=8))
    ).select_related("person", "location", "rule")
    if person is not None:
        qs = qs.filter(person=person)
    if location is not None:
        qs = qs.filter(location=location)
    return sorted(qs, key=lambda s: (s.date, PART_ORDER[s.part], s.location_id, s.role))


def horizon(weeks: int, start: date | None = None) -> list[tuple[int, int]]:
    """The ISO weeks of the planning horizon: the week of ``start`` (today) and those after it."""
    monday = start or timezone.localdate()
    found = []
    for step in range(weeks):
        year, week, _ = (monday + timedelta(weeks=step)).isocalendar()
        found.append((year, week))
    return found


def roster_weeks(weeks: list[tuple[int, int]]) -> dict[tuple[int, int], RosterWeek]:
    """The stored state of each of ``weeks`` that was planned, in one query."""
    if not weeks:
        return {}
    condition = Q()
    for year, week in weeks:
        condition |= Q(iso_year=year, iso_week=week)
    return {(w.iso_year, w.iso_week): w for w in RosterWeek.objects.filter(condition)}


def is_published(iso_year: int, iso_week: int) -> bool:
    return RosterWeek.objects.filter(
        iso_year=iso_year, iso_week=iso_week, status=RosterWeek.Status.PUBLISHED
    ).exists()


@dataclass(frozen=True)
class Changes:
    """What a week changes against another roster: shifts added and shifts gone."""

    added: list[Shift]
    removed: list[Shift]

    def __len__(self) -> int:
        return len(self.added) + len(self.removed)


def _key(shift: Shift) -> tuple[object, ...]:
    return (shift.rule_id, shift.person_id, shift.location_id, shift.date.weekday(), shift.part)


def week_changes(iso_year: int, iso_week: int) -> Changes:
    """The week against last week, by rule, person, place, weekday and half-day."""
    this = list(week_shifts(iso_year, iso_week))
    year, week, _ = (solver.week_days(iso_year, iso_week)[0] - timedelta(weeks=1)).isocalendar()
    last = list(week_shifts(year, week))
    before = {_key(s) for s in last}
    after = {_key(s) for s in this}
    order = lambda s: (s.date.weekday(), PART_ORDER[s.part], s.location.name, str(s.person))  # noqa: E731
    return Changes(
        added=sorted((s for s in this if _key(s) not in before), key=order),
        removed=sorted((s for s in last if _key(s) not in after), key=order),
    )


@dataclass(frozen=True)
class WeekRow:
    """One week of the planning horizon, for the coordinator's overview."""

    iso_year: int
    iso_week: int
    state: RosterWeek | None
    shifts: int
    changes: int

    @property
    def label(self) -> str:
        return week_label(self.iso_year, self.iso_week)

    @property
    def display(self) -> str:
        return week_display(self.iso_year, self.iso_week)

    @property
    def missing(self) -> int:
        return sum(self.state.shortfalls.values()) if self.state else 0


def horizon_overview(weeks: list[tuple[int, int]]) -> list[WeekRow]:
    """Per week: its state, its number of shifts and its changes against the week before.

    Two queries whatever the horizon: the weeks' states, and the shifts from the week before the
    first up to the last.
    """
    if not weeks:
        return []
    states = roster_weeks(weeks)
    first = solver.week_days(*weeks[0])[0] - timedelta(weeks=1)
    last = solver.week_days(*weeks[-1])[-1]
    keys: dict[tuple[int, int], set[tuple[object, ...]]] = defaultdict(set)
    for rule_id, person_id, location_id, day, part in Shift.objects.filter(
        date__range=(first, last)
    ).values_list("rule_id", "person_id", "location_id", "date", "part"):
        year, week, _ = day.isocalendar()
        keys[(year, week)].add((rule_id, person_id, location_id, day.weekday(), part))
    rows = []
    for year, week in weeks:
        before_year, before_week, _ = (
            solver.week_days(year, week)[0] - timedelta(weeks=1)
        ).isocalendar()
        this, before = keys[(year, week)], keys[(before_year, before_week)]
        rows.append(
            WeekRow(
                year,
                week,
                states.get((year, week)),
                len(this),
                len(this ^ before) if this else 0,
            )
        )
    return rows


def explained(state: RosterWeek | None, language: str) -> list[tuple[str, str]]:
    """The stored explanations of a week as (why, what to change) in the reader's language."""
    from kansrijk.roster.solver.explain import advise

    if state is None:
        return []
    found = []
    for item in state.explanations:
        explanation = solver.Explanation(item["code"], item.get("requirement"), item["params"])
        found.append((explanation.text(language), advise(explanation, language)))
    return found


def reportable_people(user: Professional, planner: bool) -> QuerySet[Professional]:
    """Whom ``user`` may report absent: themselves, or (the coordinator) anyone rostered."""
    if not planner:
        return Professional.objects.filter(pk=user.pk)
    return (
        Professional.objects.filter(
            Q(pk=user.pk)
            | Q(roster_availability__isnull=False)
            | Q(roster_shifts__date__gte=timezone.localdate())
        )
        .filter(is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )


def open_swaps() -> QuerySet[SwapRequest]:
    """Swap requests waiting for the coordinator, oldest half-day first (bounded)."""
    return SwapRequest.objects.filter(status=SwapRequest.Status.OPEN).select_related(
        "professional", "location"
    )[:100]


def swaps_of(person: Professional, iso_year: int, iso_week: int) -> dict[tuple[date, str], str]:
    """The person's swap requests in the week, by half-day, with their status label."""
    days = solver.week_days(iso_year, iso_week)
    return {
        (r.date, r.part): r.get_status_display()
        for r in SwapRequest.objects.filter(professional=person, date__range=(days[0], days[-1]))
    }


# --- activities ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityRow:
    """One activity at one centre, with its places taken and its waiting list."""

    activity: Activity
    location: Location
    enrolled: int
    waiting: int


def activities_for(user: Professional, manage: Callable[[Activity], bool]) -> list[ActivityRow]:
    """The activities ``user`` runs, per centre where they take place, with counts (3 queries)."""
    activities = [
        a
        for a in Activity.objects.filter(active=True)
        .select_related("rule")
        .prefetch_related("rule__locations")
        if manage(a)
    ]
    counts: dict[tuple[int, int, str], int] = {
        (row["activity"], row["location"], row["status"]): row["n"]
        for row in Enrolment.objects.filter(activity__in=activities)
        .values("activity", "location", "status")
        .annotate(n=Count("id"))
        .order_by()
    }
    rows = []
    for activity in activities:
        for location in sorted(activity.rule.locations.all(), key=lambda loc: loc.name):
            rows.append(
                ActivityRow(
                    activity,
                    location,
                    counts.get((activity.pk, location.pk, Enrolment.Status.ENROLLED), 0),
                    counts.get((activity.pk, location.pk, Enrolment.Status.WAITING), 0),
                )
            )
    return rows


def activity_sessions(
    activity: Activity, location: Location, start: date, weeks: int = 6
) -> list[Shift]:
    """The activity's sessions at the centre: its rule's shifts on its days and half-days."""
    shifts = Shift.objects.filter(
        rule=activity.rule_id,
        location=location,
        date__range=(start, start + timedelta(weeks=weeks)),
    ).select_related("person")
    weekdays = _numbers(activity.weekdays)
    parts = {
        Parts.BOTH: {"morning", "afternoon"},
        Parts.MORNING: {"morning"},
        Parts.AFTERNOON: {"afternoon"},
    }[Parts(activity.parts)]
    found: dict[tuple[date, str], Shift] = {}
    for s in shifts:
        if (not weekdays or s.date.weekday() in weekdays) and s.part in parts:
            found.setdefault((s.date, s.part), s)  # two workers in one session: one session
    return [found[k] for k in sorted(found, key=lambda k: (k[0], PART_ORDER[k[1]]))]


def enrolments(activity: Activity, location: Location) -> list[Enrolment]:
    """Signed up and waiting (in order) for the activity at the centre; withdrawn left out.

    Bounded: the places plus a waiting list of at most 200.
    """
    return list(
        Enrolment.objects.filter(activity=activity, location=location)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .order_by("status", "created_at", "pk")[: activity.capacity + 200]
    )


def attendance_of(activity: Activity, location: Location) -> dict[tuple[date, str], set[int]]:
    """Per session, the sign-ups marked present."""
    found: dict[tuple[date, str], set[int]] = defaultdict(set)
    for enrolment_id, day, part in Attendance.objects.filter(
        enrolment__activity=activity, enrolment__location=location, present=True
    ).values_list("enrolment_id", "date", "part"):
        found[(day, part)].add(enrolment_id)
    return found


def participation(start: date, end: date, centres: list[int]) -> tuple[dict[int, int], int]:
    """People taking part in an activity in the period, per centre and in all: sign-ups that
    were signed up in the period or attended a session in it (the waiting list not counted).

    The monitor suppresses small numbers; this only counts.
    """
    taking_part = (
        Enrolment.objects.filter(location__in=centres)
        .exclude(status=Enrolment.Status.WAITING)
        .filter(
            Q(created_at__date__range=(start, end))
            | Q(attendance__present=True, attendance__date__range=(start, end))
        )
    )
    per_centre = {
        row["location"]: row["n"]
        for row in taking_part.values("location").annotate(n=Count("id", distinct=True)).order_by()
    }
    total = taking_part.aggregate(n=Count("id", distinct=True))["n"]
    return per_centre, total


# --- consultation hours ----------------------------------------------------------------------

#: Length of one bookable appointment in a consultation hour.
SLOT_MINUTES = 20


def slot_times(part: str) -> list[time]:
    """The appointment times of a half-day (08:30, 08:50, …)."""
    start, end = PART_HOURS[part]
    times, minutes = [], start.hour * 60 + start.minute
    while minutes + SLOT_MINUTES <= end.hour * 60 + end.minute:
        times.append(time(minutes // 60, minutes % 60))
        minutes += SLOT_MINUTES
    return times


@dataclass(frozen=True)
class Consultation:
    """One consultation hour (a rostered half-day) and its appointment times still free."""

    shift: Shift
    free: list[time]

    @property
    def booked(self) -> int:
        return len(slot_times(self.shift.part)) - len(self.free)


def consultations_at(location: Location, start: date, weeks: int = 3) -> list[Consultation]:
    """The published consultation hours at a centre from ``start`` on (two queries)."""
    end = start + timedelta(weeks=weeks)
    shifts = published_only(
        list(
            Shift.objects.filter(
                location=location, role__in=CONSULTATION_FUNCTIONS, date__range=(start, end)
            ).select_related("rule", "person", "location")
        )
    )
    taken = set(
        Booking.objects.filter(location=location, date__range=(start, end)).values_list(
            "rule_id", "date", "start"
        )
    )
    return [
        Consultation(s, [t for t in slot_times(s.part) if (s.rule_id, s.date, t) not in taken])
        for s in sorted(shifts, key=lambda s: (s.date, PART_ORDER[s.part], s.role))
    ]


def consultation(location: Location, rule: str, day: date, part: str) -> Consultation | None:
    """One published consultation hour, or ``None`` when there is none then."""
    for found in consultations_at(location, day, weeks=0):
        if found.shift.rule and found.shift.rule.code == rule and found.shift.part == part:
            return found
    return None


def booking_by_token(token: str) -> Booking | None:
    return Booking.objects.filter(token=token).select_related("rule", "location").first()


def consultation_functions_of(user: Professional, planner: bool) -> set[str]:
    """The consultation functions whose bookings ``user`` sees: their own (a partner), or all."""
    if planner:
        return set(CONSULTATION_FUNCTIONS)
    availability = Availability.objects.filter(professional=user).first()
    own = {f.strip() for f in availability.functions.split(",")} if availability else set()
    return own & set(CONSULTATION_FUNCTIONS)


def bookings_for(functions: set[str], start: date) -> list[Booking]:
    """Coming bookings of the given consultation functions (bounded)."""
    return list(
        Booking.objects.filter(rule__function__in=functions, date__gte=start)
        .select_related("rule", "location")
        .order_by("date", "start")[:300]
    )
