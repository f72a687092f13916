"""An independent check of a roster against every hard rule.

It re-derives each rule straight from the input data, without the solver's CP-SAT model (or its
eligibility helpers), so a modelling mistake in the solver cannot hide itself. It is pure Python,
like the solver, and is also run on rosters edited by hand.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from kansrijk.roster.solver.model import Part, Problem, Requirement, Shift, Unit

_PARTS = (Part.MORNING, Part.AFTERNOON)


@dataclass(frozen=True)
class Violation:
    code: str
    detail: str


def _week(problem: Problem) -> list[date]:
    monday = date.fromisocalendar(problem.iso_year, problem.iso_week, 1)
    return [monday + timedelta(days=i) for i in range(5)]


def _index(days: list[date], day: date, part: Part) -> int:
    return days.index(day) * 2 + _PARTS.index(part)


def _rotated(problem: Problem, req: Requirement) -> tuple[str, ...]:
    if not req.rotation:
        return req.locations
    weeks = date.fromisocalendar(problem.iso_year, problem.iso_week, 1).toordinal() // 7
    return (req.locations[(weeks + req.rotation_offset) % len(req.locations)],)


def check(problem: Problem, shifts: tuple[Shift, ...] | list[Shift]) -> list[Violation]:
    """Every broken hard rule of ``shifts`` (empty when the roster is valid), coverage included."""
    days = _week(problem)
    people = {p.id: p for p in problem.people}
    locations = {loc.code: loc for loc in problem.locations}
    requirements = {r.id: r for r in problem.requirements}
    frozen_from = _index(days, *problem.frozen_before) if problem.frozen_before is not None else -1

    def frozen(day: date, part: Part) -> bool:
        return _index(days, day, part) < frozen_from

    found: list[Violation] = []
    for shift, count in Counter(shifts).items():
        if count > 1:
            found.append(Violation("duplicate", f"{shift} appears {count} times"))
    valid: list[Shift] = []
    for s in set(shifts):
        person, req = people.get(s.person), requirements.get(s.requirement)
        if person is None or req is None or s.location not in locations:
            found.append(Violation("unknown", f"{s} names an unknown person, rule or location"))
            continue
        if s.date not in days or s.part not in _PARTS:
            found.append(Violation("outside_week", f"{s} is not a half-day of this week"))
            continue
        valid.append(s)
        if frozen(s.date, s.part):
            continue  # the past happened; only "unchanged" is checked for it, below
        if s.role != req.role:
            found.append(Violation("role", f"{s}: role differs from the rule's {req.role}"))
        stand_in = s.person in req.stand_ins  # a back-up may fill in anywhere the rule is held
        if req.people and not stand_in:
            if s.person not in req.people:
                found.append(Violation("eligible", f"{s}: {s.person} is not named in the rule"))
        elif req.role not in person.roles and not stand_in:
            found.append(Violation("eligible", f"{s}: {s.person} lacks the role {req.role}"))
        if person.locations and s.location not in person.locations and not stand_in:
            found.append(Violation("eligible", f"{s}: {s.person} does not work at {s.location}"))
        if s.location not in _rotated(problem, req):
            found.append(Violation("location", f"{s}: not a location of {req.id} this week"))
        weekday = s.date.weekday()
        if (
            weekday in person.days_off
            or (s.date, s.part) in person.absent
            or (person.available is not None and (weekday, s.part) not in person.available)
        ):
            found.append(Violation("unavailable", f"{s}: {s.person} is not available"))
        if req.weekdays and weekday not in req.weekdays:
            found.append(Violation("weekday", f"{s}: {req.id} is not held on this weekday"))
        if req.unit is Unit.HALF_DAY and s.part not in req.parts:
            found.append(Violation("part", f"{s}: {req.id} is not held in the {s.part}"))

    per_person_slot: Counter[tuple[str, date, Part]] = Counter()
    per_person: Counter[str] = Counter()
    per_room: Counter[tuple[str, date, Part]] = Counter()
    for s in valid:
        per_person_slot[(s.person, s.date, s.part)] += 1
        per_person[s.person] += 1
        if requirements[s.requirement].needs_room:
            per_room[(s.location, s.date, s.part)] += 1
    for (pid, day, part), n in per_person_slot.items():
        if n > 1:
            found.append(Violation("double_booked", f"{pid} is in {n} places on {day} {part}"))
    for pid, n in per_person.items():
        if n > people[pid].max_half_days:
            found.append(
                Violation("contract", f"{pid}: {n} half-days, contract {people[pid].max_half_days}")
            )
    for (code, day, part), n in per_room.items():
        rooms = locations[code].rooms_by_slot.get((day.weekday(), part), locations[code].rooms)
        if n > rooms:
            found.append(Violation("rooms", f"{code} {day} {part}: {n} rooms used, {rooms} exist"))

    by_req: dict[str, list[Shift]] = defaultdict(list)
    for s in valid:
        by_req[s.requirement].append(s)
    for req in problem.requirements:
        found += _check_requirement(req, by_req[req.id], frozen)

    if problem.frozen_before is not None:
        past_now = {s for s in valid if frozen(s.date, s.part)}
        past_before = {s for s in problem.previous if s.date in days and frozen(s.date, s.part)}
        for s in past_now ^ past_before:
            found.append(Violation("past_changed", f"{s}: the past was changed"))
    return found


def _check_requirement(
    req: Requirement, shifts: list[Shift], frozen: Callable[[date, Part], bool]
) -> list[Violation]:
    """Unit shape, concurrency, distinct days and coverage of one requirement."""
    found: list[Violation] = []
    units: list[tuple[date, Part]] = []
    if req.unit is Unit.DAY:
        halves: dict[tuple[str, str, date], set[Part]] = defaultdict(set)
        for s in shifts:
            halves[(s.person, s.location, s.date)].add(s.part)
        for (pid, code, day), parts in halves.items():
            if len(parts) == 1:
                split = frozen(day, Part.MORNING)
                if not (split and Part.MORNING in parts):
                    found.append(
                        Violation("half_a_day", f"{req.id}: {pid} at {code} on {day} only {parts}")
                    )
                    continue
            units.append((day, Part.MORNING))
    else:
        units = [(s.date, s.part) for s in shifts]
    if req.distinct_days:
        for day, n in Counter(d for d, _ in units).items():
            if n > 1:
                found.append(Violation("distinct_days", f"{req.id}: {n} units on {day}"))
    else:
        key = (lambda u: u[0]) if req.unit is Unit.DAY else (lambda u: u)
        for when, n in Counter(key(u) for u in units).items():
            if n > req.max_concurrent:
                found.append(
                    Violation(
                        "concurrent", f"{req.id}: {n} at once on {when}, max {req.max_concurrent}"
                    )
                )
    if len(units) < req.amount:
        found.append(
            Violation("coverage", f"{req.id}: {len(units)} of {req.amount} {req.unit.value}s")
        )
    return found


def shortfalls(violations: list[Violation]) -> dict[str, int]:
    """Missing units per requirement id, read back from the coverage violations."""
    missing = {}
    for v in violations:
        if v.code == "coverage":
            req_id, rest = v.detail.split(": ", 1)
            have, _, need = rest.split(" ")[:3]
            missing[req_id] = int(need) - int(have)
    return missing
