"""The solver's vocabulary: frozen dataclasses, so the solver runs and is tested without Django."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property

WEEKDAYS = 5


class Part(StrEnum):
    """A half-day (dagdeel)."""

    MORNING = "morning"
    AFTERNOON = "afternoon"


PARTS: tuple[Part, Part] = (Part.MORNING, Part.AFTERNOON)
BOTH_PARTS: frozenset[Part] = frozenset(PARTS)


class Unit(StrEnum):
    """What one unit of a requirement is: a whole day at one place, or one half-day."""

    DAY = "day"
    HALF_DAY = "half_day"


Slot = tuple[date, Part]


def week_days(iso_year: int, iso_week: int) -> tuple[date, ...]:
    """Monday to Friday of an ISO week."""
    monday = date.fromisocalendar(iso_year, iso_week, 1)
    return tuple(monday + timedelta(days=i) for i in range(WEEKDAYS))


def slot_index(days: tuple[date, ...], slot: Slot) -> int:
    """Position of a half-day in the week, so half-days can be compared ("before the sick call")."""
    return days.index(slot[0]) * 2 + PARTS.index(slot[1])


@dataclass(frozen=True)
class Location:
    """A place people are rostered at; its rooms bound the room-needing work per half-day."""

    code: str
    name: str
    rooms: int = 2
    #: Exceptions to ``rooms`` per (weekday 0=Monday, part), e.g. the gym is taken on Wednesday.
    rooms_by_slot: Mapping[tuple[int, Part], int] = field(default_factory=dict)

    def rooms_at(self, day: date, part: Part) -> int:
        return self.rooms_by_slot.get((day.weekday(), part), self.rooms)


@dataclass(frozen=True)
class Person:
    """Someone who can be rostered, with the limits of their contract and their wishes."""

    id: str
    name: str
    roles: frozenset[str] = frozenset()
    max_half_days: int = 10
    #: Weekdays (0=Monday) never worked (contract).
    days_off: frozenset[int] = frozenset()
    #: Recurring availability as (weekday, part); ``None`` means every half-day.
    available: frozenset[tuple[int, Part]] | None = None
    #: One-off absence (sick, leave) as (date, part).
    absent: frozenset[Slot] = frozenset()
    preferred_days: frozenset[int] = frozenset()
    #: Locations this person works at; empty means any.
    locations: frozenset[str] = frozenset()

    def is_available(self, day: date, part: Part) -> bool:
        if day.weekday() in self.days_off or (day, part) in self.absent:
            return False
        return self.available is None or (day.weekday(), part) in self.available


@dataclass(frozen=True)
class Requirement:
    """Presence that must be planned each week, e.g. "family specialist at PWA, 4 days"."""

    id: str
    label: str
    role: str
    locations: tuple[str, ...]
    amount: int
    unit: Unit = Unit.DAY
    #: Allowed half-days for half-day units.
    parts: frozenset[Part] = BOTH_PARTS
    #: Allowed weekdays; empty means any.
    weekdays: frozenset[int] = frozenset()
    #: Named people; when set they are the only candidates, whatever their roles.
    people: frozenset[str] = frozenset()
    #: Stand-ins (back-ups): may fill in at any of the locations, at a cost, when the regular
    #: candidates cannot (seed 000: the SWV's back-up; a district-team worker for a GS).
    stand_ins: frozenset[str] = frozenset()
    #: The time is fixed (the nurse's fixed day): shown as such; ``weekdays``/``parts`` pin it.
    fixed: bool = False
    #: Each week exactly one of ``locations`` is used, moving one place on every week.
    rotation: bool = False
    rotation_offset: int = 0
    #: Units of this requirement that may take place at the same time.
    max_concurrent: int = 1
    #: At most one unit per day (an activity offered on N different days).
    distinct_days: bool = False
    needs_room: bool = False

    @property
    def half_days_per_unit(self) -> int:
        return 2 if self.unit is Unit.DAY else 1


@dataclass(frozen=True)
class Shift:
    """One person at one location for one half-day, on behalf of one requirement."""

    person: str
    requirement: str
    role: str
    location: str
    date: date
    part: Part

    @property
    def key(self) -> tuple[str, str, str, int, Part]:
        """Identity across weeks: the same weekday and half-day counts as "unchanged"."""
        return (self.requirement, self.person, self.location, self.date.weekday(), self.part)


@dataclass(frozen=True)
class Weights:
    """Objective weights; coverage dominates, then wishes, then spread, then stability."""

    shortfall: int = 1000
    preference: int = 6
    spread: int = 4
    fairness: int = 1
    change: int = 2
    stand_in: int = 50


REPLAN_WEIGHTS = Weights(change=40)


@dataclass(frozen=True)
class Options:
    """Search limits. Deterministic time keeps the answer identical run after run."""

    time_limit_s: float = 10.0
    deterministic_time_limit: float | None = None
    num_workers: int = 1
    seed: int = 7
    explain: bool = True
    #: Stop at the first roster that meets every requirement (a horizon's later weeks, the
    #: bench's "first valid"), instead of searching on for the best one.
    stop_when_complete: bool = False
    #: Give the previous roster to CP-SAT as a hint. It speeds small re-plans up, but on a
    #: large week whose rotations moved it can lead the search away from a complete roster.
    hint_previous: bool = True


@dataclass(frozen=True)
class Problem:
    """One week to plan."""

    iso_year: int
    iso_week: int
    locations: tuple[Location, ...]
    people: tuple[Person, ...]
    requirements: tuple[Requirement, ...]
    #: The roster to stay close to: last week's, or this week's when re-planning.
    previous: tuple[Shift, ...] = ()
    #: Half-days before this one are in the past: they keep the previous roster exactly.
    frozen_before: Slot | None = None
    weights: Weights = Weights()

    @cached_property
    def days(self) -> tuple[date, ...]:
        return week_days(self.iso_year, self.iso_week)

    @cached_property
    def slots(self) -> tuple[Slot, ...]:
        return tuple((d, p) for d in self.days for p in PARTS)

    def is_frozen(self, slot: Slot) -> bool:
        if self.frozen_before is None:
            return False
        return slot_index(self.days, slot) < slot_index(self.days, self.frozen_before)

    def active_locations(self, requirement: Requirement) -> tuple[str, ...]:
        """The locations a requirement may use this week (rotation picks one)."""
        if not requirement.rotation or not requirement.locations:
            return requirement.locations
        week_number = date.fromisocalendar(self.iso_year, self.iso_week, 1).toordinal() // 7
        n = len(requirement.locations)
        return (requirement.locations[(week_number + requirement.rotation_offset) % n],)

    def eligible(self, requirement: Requirement, person: Person, location: str) -> bool:
        """Whether a person may fill a requirement at a location at all (availability aside)."""
        if person.id in requirement.stand_ins:
            return True
        if requirement.people:
            if person.id not in requirement.people:
                return False
        elif requirement.role not in person.roles:
            return False
        return not person.locations or location in person.locations

    def allowed(self, requirement: Requirement, day: date, part: Part) -> bool:
        """Whether a requirement may take place on a half-day."""
        if requirement.weekdays and day.weekday() not in requirement.weekdays:
            return False
        return requirement.unit is Unit.DAY or part in requirement.parts


@dataclass(frozen=True)
class Shortfall:
    requirement: str
    missing: int


@dataclass(frozen=True)
class Explanation:
    """Why a requirement cannot be met, as a message code plus parameters (rendered by ``text``)."""

    code: str
    requirement: str | None
    params: Mapping[str, object]

    def text(self, language: str = "nl") -> str:
        from kansrijk.roster.solver.explain import render

        return render(self, language)


@dataclass(frozen=True)
class Score:
    """The parts of the objective, so a roster's quality can be read, not just its total."""

    objective: int
    shortfall: int
    preference: int
    spread: int
    fairness: int
    changes: int
    stand_ins: int = 0


class Status(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INCOMPLETE = "incomplete"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Result:
    status: Status
    shifts: tuple[Shift, ...]
    shortfalls: tuple[Shortfall, ...] = ()
    explanations: tuple[Explanation, ...] = ()
    score: Score | None = None
    proven_optimal: bool = False
    wall_time_s: float = 0.0

    @property
    def complete(self) -> bool:
        return self.status in (Status.OPTIMAL, Status.FEASIBLE)


#: Called with the seconds since the solve began and the score of each better roster found.
SolutionListener = Callable[[float, Score], None]
