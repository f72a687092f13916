"""Fixed days are hard constraints shown as fixed; stand-ins fill in for an absent GS or SWV."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.test import Client
from django.urls import reverse

from kansrijk.core.models import Professional
from kansrijk.roster import selectors, services
from kansrijk.roster.checker import check
from kansrijk.roster.demo import seed_roster_demo
from kansrijk.roster.solver import Part, replan, solve
from kansrijk.roster.solver.replan import absent_from
from kansrijk.roster.solver.westwijk import NURSE_DAYS, POLICE_DAYS, westwijk_problem

WEEK = (2026, 50)


def test_the_nurse_and_the_officer_keep_their_fixed_times() -> None:
    problem = westwijk_problem(*WEEK)
    result = solve(problem)
    assert check(problem, result.shifts) == []
    nurse = {s.location: s.date.weekday() for s in result.shifts if s.role == "school_nurse"}
    assert nurse == NURSE_DAYS
    police = {
        (s.location, s.date.weekday(), s.part)
        for s in result.shifts
        if s.role == "community_officer"
    }
    assert police == {(code, day, Part.MORNING) for code, day in POLICE_DAYS.items()}


def test_a_fixed_day_is_not_moved_when_the_nurse_is_sick() -> None:
    """Pinned, not kept by a change penalty: the day is missed (and explained), not moved."""
    problem = westwijk_problem(*WEEK)
    before = solve(problem)
    tuesday = problem.days[1]
    sick = absent_from(problem, "sanne", (tuesday, Part.MORNING), (tuesday, Part.AFTERNOON))
    now = (problem.days[0], Part.MORNING)
    after = replan(sick, before.shifts, now)
    assert (
        check(replace(sick, previous=before.shifts, frozen_before=now), after.shifts)[0].code
        == "coverage"
    )
    assert set(before.shifts) - set(after.shifts) == {
        s for s in before.shifts if s.person == "sanne" and s.date == tuesday
    }
    assert set(after.shifts) <= set(before.shifts)
    assert [s.requirement for s in after.shortfalls] == ["nurse-schakel"]
    assert "Sanne de Vries is maar 0 dagen beschikbaar" in after.explanations[0].text()


def test_stand_ins_are_used_only_when_needed() -> None:
    problem = westwijk_problem(*WEEK)
    result = solve(problem)
    assert not [s for s in result.shifts if s.person == "bart"]
    assert result.score is not None and result.score.stand_ins == 0
    now = (problem.days[0], Part.MORNING)
    monday_evening = (problem.days[0], Part.AFTERNOON)
    away = absent_from(problem, "ingrid", now, monday_evening)  # the SWV specialist, Monday
    after = replan(away, result.shifts, now)
    assert after.shortfalls == ()
    assert {s.date for s in after.shifts if s.person == "bart"} == {problem.days[0]}
    assert check(replace(away, previous=result.shifts, frozen_before=now), after.shifts) == []


@pytest.mark.django_db
def test_the_roster_names_the_stand_in_for_an_absent_gs(client: Client) -> None:
    seed_roster_demo(weeks=2, published=2)
    year, week = selectors.horizon(2)[1]
    days = selectors.solver.week_days(year, week)
    fatima = Professional.objects.get(username="rooster.fatima")
    services.register_absence(by=None, professional=fatima, start=days[0], end=days[-1])
    stand_ins = [s for day in days for s in selectors.stand_in_for(fatima, day)]
    assert len(stand_ins) == 4 * 2, "district-team workers stand in at PWA, four days"
    assert {s.location.code for s in stand_ins} == {"pwa"}
    assert {s.person.username for s in stand_ins} <= {"rooster.eva", "rooster.ahmed"}
    problem = selectors.problem_for_week(year, week, stay_close_to_last_week=False)
    shifts = tuple(selectors.to_solver_shift(s) for s in selectors.week_shifts(year, week))
    assert check(problem, shifts) == []
    # Someone present has no stand-in.
    assert selectors.stand_in_for(Professional.objects.get(username="rooster.mark"), days[0]) == []
    # The parents' page shows the fixed times as fixed.
    html = client.get(
        reverse("roster:public_centre", args=["pwa"]), {"week": selectors.week_label(year, week)}
    ).content.decode()
    assert "vaste dag" in html
