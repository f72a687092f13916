"""The matrix's "same location" reach (issue 12) read from the signals filed at another centre
than their case's (issue 17, `Signal.at_case_location`): the same cases as every signal."""

from __future__ import annotations

import pytest

from kansrijk.access.matrix import Action
from kansrijk.access.policies import can
from kansrijk.cases import services
from kansrijk.cases.models import Case, Signal
from kansrijk.cases.relations import same_location
from kansrijk.core.models import Membership
from tests.conftest import World
from tests.early_years.world import childcare, toddler_signal
from tests.factories import ChildFactory, teaches

pytestmark = pytest.mark.django_db


def _reached(membership: Membership) -> set[int]:
    reach = same_location(membership.professional, membership)
    return {next(iter(row.values())) for query in reach.cases for row in query}


def _every_signal(membership: Membership) -> set[int]:
    """The relation as the matrix states it: the centre's cases and those of every signal
    filed there (or at any of the organisation's centres, for an organisation-wide seat)."""
    if membership.location_id is not None:
        here = {"location": membership.location_id}
    else:
        here = {"location__organisation": membership.organisation_id}
    cases = set(Case.objects.filter(**here).values_list("pk", flat=True))
    return cases | set(Signal.objects.filter(**here).values_list("case", flat=True))


def test_only_a_signal_from_another_centre_is_read_and_the_reach_is_unchanged(
    world: World,
) -> None:
    cc = childcare(world)
    cc.rule.delete()
    toddler = toddler_signal(cc)  # the case stays at the childcare
    teaches(world.teacher, world.school, cc.sibling.group)
    sibling = services.signal_create(
        by=world.teacher,
        child=cc.sibling,
        domain=Signal.Domain.LEARNING,
        urgency=Signal.Urgency.NORMAL,
        description="Sem is onrustig in de klas.",
    )
    pupil = ChildFactory(location=world.school, group=cc.sibling.group)
    own = services.signal_create(
        by=world.teacher,
        child=pupil,
        domain=Signal.Domain.BEHAVIOUR,
        urgency=Signal.Urgency.LOW,
        description="Daan is stil.",
    )
    assert toddler.case_id == sibling.case_id != own.case_id
    flags = dict(Signal.objects.values_list("pk", "at_case_location"))
    assert flags == {toddler.pk: True, sibling.pk: False, own.pk: True}
    # A signal written without the service keeps the default: read as one from elsewhere,
    # which costs an index row and never hides a case.
    other_case = Case.objects.get(pk=own.case_id)
    elsewhere = Signal.objects.create(
        case=other_case,
        child=pupil,
        author=world.teacher,
        author_role="teacher",
        location=cc.location,
        domain=Signal.Domain.HEALTH,
        description="Gezien op de opvang.",
    )
    assert not elsewhere.at_case_location
    memberships = list(Membership.objects.select_related("professional"))
    assert any(m.location_id == cc.location.pk for m in memberships)
    for membership in memberships:
        assert _reached(membership) == _every_signal(membership), membership
    # The school's IB sees the childcare's case through the sibling's signal, and the
    # other centre's IB does not.
    assert can(world.coach, Action.FULL, Case.objects.get(pk=toddler.case_id))
    assert not can(world.other_coach, Action.SUMMARY, Case.objects.get(pk=toddler.case_id))
