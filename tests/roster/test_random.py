"""Random weeks: whatever the input, the solver's roster passes the independent checker."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kansrijk.roster.checker import check, shortfalls
from kansrijk.roster.solver import Options, Part, Problem, Shift, replan, solve
from kansrijk.roster.solver.model import PARTS, Location, Person, Requirement, Unit
from kansrijk.roster.solver.replan import absent_from

ROLES = ("a", "b", "c")
CODES = ("x", "y", "z")
HALF_DAYS = [(d, p) for d in range(5) for p in PARTS]
OPTIONS = Options(time_limit_s=5, deterministic_time_limit=2.0)


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    locations = tuple(Location(code, code.upper(), rooms=draw(st.integers(0, 2))) for code in CODES)
    people = []
    for i in range(draw(st.integers(1, 6))):
        available = draw(
            st.none() | st.frozensets(st.sampled_from(HALF_DAYS), min_size=2, max_size=10)
        )
        people.append(
            Person(
                f"p{i}",
                f"Person {i}",
                draw(st.frozensets(st.sampled_from(ROLES), min_size=1, max_size=2)),
                max_half_days=draw(st.integers(1, 10)),
                days_off=draw(st.frozensets(st.integers(0, 4), max_size=2)),
                available=available,
                preferred_days=draw(st.frozensets(st.integers(0, 4), max_size=3)),
                locations=draw(st.frozensets(st.sampled_from(CODES), max_size=2)),
            )
        )
    requirements = []
    for i in range(draw(st.integers(1, 5))):
        unit = draw(st.sampled_from(Unit))
        requirements.append(
            Requirement(
                f"r{i}",
                f"Rule {i}",
                draw(st.sampled_from(ROLES)),
                tuple(draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=3, unique=True))),
                draw(st.integers(1, 4)),
                unit=unit,
                parts=draw(st.sampled_from([frozenset(PARTS), frozenset({Part.AFTERNOON})])),
                weekdays=draw(st.frozensets(st.integers(0, 4), max_size=3)),
                rotation=draw(st.booleans()),
                rotation_offset=draw(st.integers(0, 2)),
                max_concurrent=draw(st.integers(1, 2)),
                distinct_days=draw(st.booleans()),
                needs_room=draw(st.booleans()),
            )
        )
    week = draw(st.integers(1, 52))
    return Problem(2026, week, locations, tuple(people), tuple(requirements))


def assert_valid(problem: Problem, shifts: tuple[Shift, ...], reported: dict[str, int]) -> None:
    violations = check(problem, shifts)
    assert [v for v in violations if v.code != "coverage"] == []
    assert shortfalls(violations) == reported


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.integers(0, 9), st.data())
def test_every_roster_passes_the_checker(
    problem: Problem, now_index: int, data: st.DataObject
) -> None:
    result = solve(problem, OPTIONS)
    assert_valid(problem, result.shifts, {s.requirement: s.missing for s in result.shortfalls})
    explained = {e.requirement for e in result.explanations}
    assert {s.requirement for s in result.shortfalls} <= explained

    # A sick call from a random half-day on: the past stays, the rest is still valid.
    person = data.draw(st.sampled_from(problem.people))
    now = problem.slots[now_index]
    sick = absent_from(problem, person.id, now)
    again = replan(sick, result.shifts, now, OPTIONS)
    frozen = replace(sick, previous=result.shifts, frozen_before=now)
    assert_valid(frozen, again.shifts, {s.requirement: s.missing for s in again.shortfalls})
