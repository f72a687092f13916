"""A person's open plan actions are read from their live ones (`PlanAction.live`, issue 17):
an action stops being live when a newer plan version replaces it or its case closes, set by
the services that do so, and the list of open actions holds what it held before."""

from __future__ import annotations

import datetime

import pytest

from kansrijk.cases import selectors, services
from kansrijk.cases.models import Case, PlanAction
from kansrijk.cases.workflow import CaseState
from tests.cases.route import advance, give_plan, open_case
from tests.conftest import World, fresh
from tests.factories import ChildFactory, GuardianFactory

pytestmark = pytest.mark.django_db


def _case(world: World) -> Case:
    child = ChildFactory(location=world.school)
    GuardianFactory(family=child.family)
    return open_case(world, child)


def _listed(person: object) -> list[int]:
    return [a.pk for a in selectors.my_actions(fresh(person), 25)]  # type: ignore[arg-type]


def _live(case: Case) -> dict[int, bool]:
    return dict(PlanAction.objects.filter(plan__case=case).values_list("pk", "live"))


def test_a_new_plan_version_retires_the_actions_it_replaces(world: World) -> None:
    case = _case(world)
    give_plan(world, case)
    first = list(PlanAction.objects.filter(plan__case=case).values_list("pk", flat=True))
    assert _live(case) == dict.fromkeys(first, True)
    assert set(first) <= set(_listed(world.teacher))

    give_plan(world, case)  # the plan changed: a second version with its own action

    live = _live(case)
    assert {pk for pk, on in live.items() if not on} == set(first)
    (second,) = [pk for pk, on in live.items() if on]
    assert second in _listed(world.teacher) and not set(first) & set(_listed(world.teacher))


def test_closing_a_case_retires_its_actions_and_the_list_drops_them(world: World) -> None:
    kept = advance(world, _case(world), CaseState.IN_SUPPORT)
    closed = advance(world, _case(world), CaseState.CLOSED)
    assert closed.state == CaseState.CLOSED
    assert not any(_live(closed).values())
    assert all(_live(kept).values())
    listed = set(_listed(world.teacher))
    assert set(_live(kept)) <= listed and not set(_live(closed)) & listed


def test_the_flag_narrows_the_list_and_never_widens_it(world: World) -> None:
    """An action left live by a path that skipped the services (a row written by hand) is
    still kept off the list by the case's state and its current version."""
    closed = advance(world, _case(world), CaseState.CLOSED)
    PlanAction.objects.filter(plan__case=closed).update(live=True)
    assert not set(_live(closed)) & set(_listed(world.teacher))
    # And a done action is off the list, live or not.
    case = advance(world, _case(world), CaseState.SCHOOL_PLAN)
    (action,) = PlanAction.objects.filter(plan__case=case)
    services.plan_action_set_done(by=world.teacher, action_id=action.pk, done=True)
    assert action.pk not in _listed(world.teacher)
    services.plan_action_set_done(by=world.teacher, action_id=action.pk, done=False)
    assert action.pk in _listed(world.teacher)


def test_the_total_counts_the_live_open_actions_only(world: World) -> None:
    for _ in range(3):
        advance(world, _case(world), CaseState.CLOSED)
    open_cases = [advance(world, _case(world), CaseState.SCHOOL_PLAN) for _ in range(2)]
    give_plan(world, open_cases[0])  # one replaced version
    listed = selectors.my_actions(fresh(world.teacher), 1)
    expected = PlanAction.objects.filter(
        owner=world.teacher, done=False, live=True, plan__case__in=open_cases
    ).count()
    assert expected == 2
    assert listed[0].total == expected  # type: ignore[attr-defined]
    assert listed[0].due_date == datetime.date(2026, 12, 1)
