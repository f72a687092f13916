"""The checker is only useful if it catches broken rosters: one broken rule at a time."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kansrijk.roster.checker import check
from kansrijk.roster.solver import Part, Problem, Shift, solve
from kansrijk.roster.solver.westwijk import westwijk_problem


@pytest.fixture(scope="module")
def planned() -> tuple[Problem, tuple[Shift, ...]]:
    problem = westwijk_problem(2026, 48)
    return problem, solve(problem).shifts


def codes(problem: Problem, shifts: list[Shift] | tuple[Shift, ...]) -> set[str]:
    return {v.code for v in check(problem, shifts)}


def first(shifts: tuple[Shift, ...], person: str) -> Shift:
    return next(s for s in shifts if s.person == person)


def test_a_solved_roster_is_clean(planned: tuple[Problem, tuple[Shift, ...]]) -> None:
    assert check(*planned) == []


def test_dropping_a_shift_breaks_coverage_and_day_units(
    planned: tuple[Problem, tuple[Shift, ...]],
) -> None:
    problem, shifts = planned
    gone = first(shifts, "fatima")
    assert codes(problem, [s for s in shifts if s != gone]) == {"coverage", "half_a_day"}


def test_double_booking_is_caught(planned: tuple[Problem, tuple[Shift, ...]]) -> None:
    problem, shifts = planned
    kees = first(shifts, "kees")
    elsewhere = "schakel" if kees.location != "schakel" else "pwa"
    twice = replace(kees, location=elsewhere, requirement=f"police-{elsewhere}")
    others = [s for s in shifts if s.requirement != twice.requirement]
    # The officer's half-day elsewhere is fixed on another weekday, so that is wrong too.
    assert codes(problem, [*others, twice]) == {"double_booked", "weekday"}


def test_unavailable_wrong_role_and_wrong_place_are_caught(
    planned: tuple[Problem, tuple[Shift, ...]],
) -> None:
    problem, shifts = planned
    kees = first(shifts, "kees")
    afternoon = replace(kees, part=Part.AFTERNOON)  # Kees works mornings only
    assert "unavailable" in codes(problem, [s for s in shifts if s != kees] + [afternoon])
    stranger = replace(kees, person="ingrid")
    assert "eligible" in codes(problem, [s for s in shifts if s != kees] + [stranger])
    fatima = first(shifts, "fatima")
    moved = [
        replace(s, location="schakel") if s.person == "fatima" and s.date == fatima.date else s
        for s in shifts
    ]
    assert "eligible" in codes(problem, moved)


def test_rooms_and_contract_are_caught(planned: tuple[Problem, tuple[Shift, ...]]) -> None:
    problem, shifts = planned
    no_rooms = replace(problem, locations=tuple(replace(loc, rooms=0) for loc in problem.locations))
    assert "rooms" in codes(no_rooms, shifts)
    tight = replace(problem, people=tuple(replace(p, max_half_days=1) for p in problem.people))
    assert "contract" in codes(tight, shifts)


def test_changing_the_past_is_caught(planned: tuple[Problem, tuple[Shift, ...]]) -> None:
    problem, shifts = planned
    frozen = replace(problem, previous=shifts, frozen_before=(problem.days[2], Part.MORNING))
    assert check(frozen, shifts) == []
    monday = [s for s in shifts if s.date != problem.days[0]]
    assert "past_changed" in codes(frozen, monday)
