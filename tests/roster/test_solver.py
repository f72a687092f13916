"""The solver on the Westwijk week and on edge cases; every roster is run through the checker."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from kansrijk.roster.checker import check, shortfalls
from kansrijk.roster.solver import Options, Part, Problem, Result, Status, replan, solve
from kansrijk.roster.solver.model import Location, Person, Requirement, Unit, slot_index
from kansrijk.roster.solver.region import region_problem
from kansrijk.roster.solver.replan import absent_from
from kansrijk.roster.solver.westwijk import PEOPLE, REQUIREMENTS, westwijk_problem

WEEK = (2026, 48)


def checked(problem: Problem, result: Result) -> Result:
    """The checker finds nothing but the shortfalls the solver itself reported."""
    violations = check(problem, result.shifts)
    assert [v for v in violations if v.code != "coverage"] == []
    assert shortfalls(violations) == {s.requirement: s.missing for s in result.shortfalls}
    return result


def with_person(problem: Problem, person_id: str, **changes: Any) -> Problem:
    people = tuple(replace(p, **changes) if p.id == person_id else p for p in problem.people)
    return replace(problem, people=people)


@pytest.fixture(scope="module")
def westwijk() -> tuple[Problem, Result]:
    problem = westwijk_problem(*WEEK)
    return problem, solve(problem)


def test_westwijk_is_planned_completely_and_optimally(westwijk: tuple[Problem, Result]) -> None:
    problem, result = westwijk
    checked(problem, result)
    assert result.status is Status.OPTIMAL
    assert result.score is not None and result.score.shortfall == 0
    per_requirement: dict[str, set[tuple[object, ...]]] = {}
    for s in result.shifts:
        per_requirement.setdefault(s.requirement, set()).add((s.date, s.location))
    assert len(per_requirement["gs-pwa"]) == 4  # four days at PWA (seed 000)
    assert len(per_requirement["gs-schakel"]) == 3
    assert len(per_requirement["gs-wereldwijzer"]) == 2
    nurse_days = {s.location: s.date for s in result.shifts if s.role == "school_nurse"}
    assert set(nurse_days) == {"pwa", "schakel", "wereldwijzer"}


def test_preferred_days_are_respected_when_possible(westwijk: tuple[Problem, Result]) -> None:
    _, result = westwijk
    assert result.score is not None and result.score.preference == 0
    linda = {s.date.weekday() for s in result.shifts if s.person == "linda"}
    assert linda <= {1, 3}


def test_consultation_hours_rotate_week_by_week() -> None:
    seen = []
    for week in (48, 49, 50):
        problem = westwijk_problem(2026, week)
        result = checked(problem, solve(problem))
        seen.append(next(s.location for s in result.shifts if s.requirement == "housing"))
    assert sorted(seen) == ["pwa", "schakel", "wereldwijzer"]


def test_same_input_gives_the_same_roster() -> None:
    problem = westwijk_problem(*WEEK)
    assert solve(problem).shifts == solve(problem).shifts
    region = region_problem(seed=3, districts=2)
    options = Options(time_limit_s=60, deterministic_time_limit=0.05)
    assert solve(region, options).shifts == solve(region, options).shifts


def test_next_week_stays_close_to_this_week(westwijk: tuple[Problem, Result]) -> None:
    _, this_week = westwijk
    problem = westwijk_problem(2026, 49, previous=this_week.shifts)
    result = checked(problem, solve(problem))
    assert result.score is not None
    moved = {s.key for s in this_week.shifts} ^ {s.key for s in result.shifts}
    # Only the rotating consultation hours move; everything else keeps its weekday.
    assert {key[0] for key in moved} <= {"housing", "debt", "forms"}


def without_stand_ins(problem: Problem) -> Problem:
    """The week without back-ups, so that a GS's own availability decides (seed 000 has them)."""
    return replace(
        problem, requirements=tuple(replace(r, stand_ins=frozenset()) for r in problem.requirements)
    )


def test_unavailable_person_is_explained_by_name() -> None:
    problem = without_stand_ins(westwijk_problem(*WEEK))
    monday = problem.days[0]
    problem = with_person(
        problem, "fatima", absent=frozenset({(monday, Part.MORNING), (monday, Part.AFTERNOON)})
    )
    result = checked(problem, solve(problem))
    assert result.status is Status.INCOMPLETE
    assert [e.text() for e in result.explanations] == [
        "Gezinsspecialist PWA: 4 dagen nodig, maar Fatima El Amrani is maar 3 dagen beschikbaar"
    ]
    assert result.explanations[0].text("en").startswith("Gezinsspecialist PWA: 4 days needed")


def test_contract_too_small_is_explained() -> None:
    problem = with_person(without_stand_ins(westwijk_problem(*WEEK)), "fatima", max_half_days=6)
    result = checked(problem, solve(problem))
    assert (
        "het contract van Fatima El Amrani laat maar 3 dagen toe" in result.explanations[0].text()
    )


def test_requirements_competing_for_one_person_are_named_together() -> None:
    problem = with_person(westwijk_problem(*WEEK), "sanne", max_half_days=4)
    result = checked(problem, solve(problem))
    assert result.status is Status.INCOMPLETE
    (explanation,) = result.explanations
    assert explanation.code == "conflict"
    text = explanation.text()
    assert text.startswith("Schoolverpleegkundige")
    assert text.count("Schoolverpleegkundige") == 3


def test_missing_candidates_and_rooms_are_explained() -> None:
    problem = westwijk_problem(*WEEK)
    nobody = Requirement("vt", "Veilig Thuis", "veilig_thuis", ("pwa",), 1)
    tiny = replace(problem.locations[2], rooms=0)
    problem = replace(
        problem,
        requirements=(*problem.requirements, nobody),
        locations=(problem.locations[0], problem.locations[1], tiny),
    )
    result = checked(problem, solve(problem))
    codes = {e.code for e in result.explanations}
    assert {"no_candidates", "rooms"} <= codes
    assert any(
        "De Wereldwijzer heeft maar 0 dagdelen een ruimte" in e.text() for e in result.explanations
    )


def test_sick_call_replans_the_rest_of_the_week_with_few_changes(
    westwijk: tuple[Problem, Result],
) -> None:
    problem, before = westwijk
    wednesday = problem.days[2]
    now = (wednesday, Part.MORNING)
    sick = absent_from(problem, "eva", now)
    after = replan(sick, before.shifts, now)
    frozen = replace(sick, previous=before.shifts, frozen_before=now)
    checked(frozen, after)
    assert after.status is Status.OPTIMAL
    past = {s for s in before.shifts if s.date < wednesday}
    assert past <= set(after.shifts)
    assert not [s for s in after.shifts if s.person == "eva" and s.date >= wednesday]
    changed = set(before.shifts) ^ set(after.shifts)
    eva_later = [s for s in before.shifts if s.person == "eva" and s.date >= wednesday]
    # Each of Eva's lost half-days is taken over by one other half-day at most: nothing else moves.
    assert len(changed) <= 2 * len(eva_later) + 2


def test_sick_call_that_cannot_be_covered_still_gives_a_roster(
    westwijk: tuple[Problem, Result],
) -> None:
    problem, before = westwijk
    tuesday = problem.days[1]
    now = (tuesday, Part.AFTERNOON)
    sick = absent_from(problem, "yusuf", now)
    after = replan(sick, before.shifts, now)
    checked(replace(sick, previous=before.shifts, frozen_before=now), after)
    assert after.status is Status.INCOMPLETE
    assert after.explanations[0].text().startswith("Psycholoog: 5 dagen nodig")
    later = [s for s in before.shifts if slot_index(problem.days, (s.date, s.part)) >= 3]  # Tue pm
    untouched = [s for s in later if s.person != "yusuf"]
    assert set(untouched) <= set(after.shifts)


def test_a_started_day_counts_when_someone_goes_home_sick() -> None:
    person = Person("p", "P", frozenset({"r"}))
    spare = Person("q", "Q", frozenset({"r"}))
    req = Requirement("r1", "R", "r", ("a",), 2, unit=Unit.DAY)
    problem = Problem(2026, 48, (Location("a", "A"),), (person, spare), (req,))
    before = solve(problem)
    first_day = min(s.date for s in before.shifts)
    who = next(s.person for s in before.shifts if s.date == first_day)
    now = (first_day, Part.AFTERNOON)
    sick = absent_from(problem, who, now)
    after = replan(sick, before.shifts, now)
    checked(replace(sick, previous=before.shifts, frozen_before=now), after)
    assert after.status is Status.OPTIMAL


def test_unknown_rotation_location_is_explained() -> None:
    req = Requirement("x", "X", "r", ("nowhere",), 1)
    problem = Problem(2026, 48, (), (Person("p", "P", frozenset({"r"})),), (req,))
    result = solve(problem)
    assert result.explanations[0].code == "unknown_location"


def test_region_gets_a_complete_roster() -> None:
    problem = region_problem(seed=1, districts=2)
    result = checked(problem, solve(problem, Options(time_limit_s=3)))
    assert result.complete


def test_requirement_ids_are_unique() -> None:
    assert len({r.id for r in REQUIREMENTS}) == len(REQUIREMENTS)
    assert len({p.id for p in PEOPLE}) == len(PEOPLE)


def test_six_weeks_stop_at_their_first_complete_roster_and_pass_the_checker() -> None:
    """The horizon mode of the bench: each week close to the one before, stopped when complete."""
    previous: tuple = ()
    for week in range(49, 54):
        problem = replace(westwijk_problem(2026, week), previous=previous)
        options = Options(stop_when_complete=True, hint_previous=False, explain=False)
        result = checked(problem, solve(problem, options))
        assert result.complete and result.shortfalls == ()
        previous = result.shifts
