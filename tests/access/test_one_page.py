"""One page's checks (`access.policies.one_page`): every action of one case in one query,
answering exactly what the per-action check answers, for every role and state."""

from __future__ import annotations

import dataclasses

import pytest

from kansrijk.access.matrix import Action
from kansrijk.access.policies import (
    _all_actions,
    granting_roles_per_case,
    memberships_of,
    one_page,
    read_list_grants,
)
from kansrijk.cases.workflow import CaseState
from kansrijk.core.models import Professional
from tests.cases.route import advance, open_case
from tests.factories import ChildFactory, GuardianFactory

pytestmark = pytest.mark.django_db


def test_all_actions_at_once_equal_each_action_alone(world) -> None:
    cases = []
    states = (
        CaseState.SIGNALLED,
        CaseState.ON_ATTENTION_LIST,
        CaseState.IN_SUPPORT,
        CaseState.ESCALATED,
        CaseState.CLOSED,
    )
    for state in states:  # at one school: the other school's staff see none of them
        child = ChildFactory(location=world.school)
        GuardianFactory(family=child.family)
        cases.append(advance(world, open_case(world, child), state))
    people = [
        value
        for field in dataclasses.fields(world)
        if isinstance(value := getattr(world, field.name), Professional)
    ]
    granted = 0
    for person in people:
        for case in cases:
            together = _all_actions(person, case.pk)
            for action in Action:
                alone = granting_roles_per_case(person, [case.pk], action).get(case.pk, set())
                assert together[action] == alone, (person.username, case.state, action)
                granted += bool(alone)
    assert granted > 20  # the comparison saw grants, not only refusals


def test_a_lists_grants_of_several_actions_read_once_answer_every_later_question(
    world, django_assert_num_queries
) -> None:
    """An agenda reads which signals may be read and which steps taken in one query; asking
    for the list, or for a part of it, later in the page asks the database nothing and
    answers what asking alone answers."""
    cases = []
    for state in (CaseState.SIGNALLED, CaseState.ON_ATTENTION_LIST, CaseState.IN_SUPPORT):
        for _ in range(2):
            child = ChildFactory(location=world.school)
            GuardianFactory(family=child.family)
            cases.append(advance(world, open_case(world, child), state))
    ids = [case.pk for case in cases]
    actions = [Action.FULL, Action.TRANSITION]
    granted = 0
    for person in (world.coordinator, world.coach, world.family_specialist, world.other_coach):
        alone = {action: granting_roles_per_case(person, ids, action) for action in actions}
        granted += len(alone[Action.TRANSITION])
        memberships_of(person)  # read before counting, as the page has
        with one_page():
            with django_assert_num_queries(1):
                read_list_grants(person, ids, actions)
            with django_assert_num_queries(0):
                for action in actions:
                    assert granting_roles_per_case(person, ids, action) == alone[action]
                    part = ids[1:4]
                    assert granting_roles_per_case(person, part, action) == {
                        pk: roles for pk, roles in alone[action].items() if pk in part
                    }
            with django_assert_num_queries(1):  # a case not read yet: read then
                granting_roles_per_case(person, [*ids, ids[0] + 10_000], Action.SUMMARY)
    assert granted >= 6  # the comparison saw steps that may be taken, not only refusals
