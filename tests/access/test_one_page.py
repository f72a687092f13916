"""One page's checks (`access.policies.one_page`): every action of one case in one query,
answering exactly what the per-action check answers, for every role and state."""

from __future__ import annotations

import dataclasses

import pytest

from kansrijk.access.matrix import Action
from kansrijk.access.policies import _all_actions, granting_roles_per_case
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
