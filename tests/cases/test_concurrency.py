"""Concurrent transitions of one case, in real transactions on PostgreSQL: no step is lost,
no state is applied twice."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from kansrijk.cases import services
from kansrijk.cases.errors import TransitionRefused
from kansrijk.cases.models import Case, Step
from kansrijk.cases.workflow import CaseState
from tests.cases.route import advance, open_case
from tests.factories import ChildFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) are tested on PostgreSQL")


def run_together(jobs: list[Callable[[], object]]) -> list[object]:
    """Start all jobs at the same moment, each in its own thread and database connection."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def worker(index: int, job: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_the_same_transition_twice_at_once_is_applied_once(world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.SCHOOL_PLAN)
    before = Step.objects.filter(case=case).count()
    results = run_together(
        [
            lambda: services.case_transition(by=world.coach, case_id=case.pk, name="ask_consent")
            for _ in range(4)
        ]
    )
    successes = [r for r in results if isinstance(r, Step)]
    refusals = [r for r in results if isinstance(r, TransitionRefused)]
    assert len(successes) == 1 and len(refusals) == 3, results
    assert Step.objects.filter(case=case).count() == before + 1
    assert Case.objects.get(pk=case.pk).state == CaseState.AWAITING_CONSENT


def test_competing_transitions_never_lose_a_step(world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.EVALUATED)
    sibling = ChildFactory(family=pupil.family, location=world.school, given_name="Lotte")
    before = Step.objects.filter(case=case).count()
    results = run_together(
        [
            lambda: services.case_transition(
                by=world.coach, case_id=case.pk, name="close", data={"outcome": "stayed_regular"}
            ),
            lambda: services.case_transition(
                by=world.family_specialist, case_id=case.pk, name="continue_support"
            ),
            lambda: services.case_transition(
                by=world.coordinator,
                case_id=case.pk,
                name="escalate",
                data={
                    "escalated_to": "district_team",
                    "plan_goal": "x",
                    "referral_consent": "verbal",
                },
            ),
            lambda: services.signal_create(
                by=world.other_teacher,
                child=sibling,
                domain="learning",
                urgency="normal",
                description="Lotte leest nog niet.",
            ),
        ]
    )
    transitions = [r for r in results[:3] if isinstance(r, Step)]
    assert len(transitions) == 1, results
    assert all(isinstance(r, TransitionRefused) for r in results[:3] if not isinstance(r, Step))
    case.refresh_from_db()
    assert case.state == transitions[0].to_state
    steps = Step.objects.filter(case=case)
    # One transition plus the sibling's signal, which joined the open case or opened a new one.
    joined = steps.filter(transition="signal_joined").count()
    assert steps.count() == before + 1 + joined
    assert Case.objects.filter(family=pupil.family).exclude(state=CaseState.CLOSED).count() == 1


def test_signals_about_one_family_at_once_open_one_case_and_every_signal_lands(world, pupil):
    """Two teachers signal a family's two children at the same moment while the family has
    no open case. Each saw no case; a second new case broke the one-open-case rule, and the
    API answered 503, "database down" (found by the load test's writes). The family is
    locked first: one signal opens the case, the three others join it, all four land."""
    sibling = ChildFactory(family=pupil.family, location=world.school, group="5")
    jobs = [
        lambda teacher=teacher, child=child: services.signal_create(
            by=teacher,
            child=child,
            domain="learning",
            urgency="normal",
            description="Valt op in de klas.",
        )
        for teacher, child in (
            (world.teacher, pupil),
            (world.other_teacher, sibling),
            (world.teacher, sibling),
            (world.other_teacher, pupil),
        )
    ]
    results = run_together(jobs)
    assert not [r for r in results if isinstance(r, Exception)], results
    open_cases = Case.objects.filter(family=pupil.family).exclude(state=CaseState.CLOSED)
    assert open_cases.count() == 1
    case = open_cases.get()
    assert {s.case_id for s in results} == {case.pk}  # type: ignore[attr-defined]
    assert Step.objects.filter(case=case, transition="signal_joined").count() == 3
