"""Issue 12: the 0–4 route in the same transition table as the school route."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kansrijk.cases import services
from kansrijk.cases.errors import NotFound, TransitionRefused
from kansrijk.cases.models import Case
from kansrijk.cases.selectors import allowed_transitions
from kansrijk.cases.workflow import BY_NAME, TRANSITIONS, CaseState, Outcome
from kansrijk.early_years.models import VveIndication
from tests.auth import sign_in
from tests.conftest import World
from tests.early_years.world import EARLY_EXPECTED, childcare, toddler_signal

pytestmark = pytest.mark.django_db


def test_the_early_route_extends_the_one_table() -> None:
    names = [t.name for t in TRANSITIONS]
    assert names[-4:] == [
        "jgz_consultation",
        "vve_indication",
        "offer_parent_activities",
        "close_early",
    ]
    assert "make_plan" in BY_NAME


def test_nurse_walks_a_toddler_along_the_early_route(world: World) -> None:
    cc = childcare(world)
    case = toddler_signal(cc).case
    offered = {t.name for t in allowed_transitions(world.nurse, case)}
    assert "jgz_consultation" in offered and "make_plan" not in offered
    services.case_transition(by=world.nurse, case_id=case.pk, name="jgz_consultation")
    with pytest.raises(TransitionRefused, match="VVE"):
        services.case_transition(by=world.nurse, case_id=case.pk, name="vve_indication")
    services.case_transition(
        by=world.nurse, case_id=case.pk, name="vve_indication", data={"programme": "Piramide"}
    )
    indication = VveIndication.objects.get()
    assert (indication.child, indication.programme) == (cc.toddler, "Piramide")
    with pytest.raises(TransitionRefused):
        services.case_transition(
            by=world.family_specialist, case_id=case.pk, name="offer_parent_activities"
        )
    step = services.case_transition(
        by=world.family_specialist,
        case_id=case.pk,
        name="offer_parent_activities",
        data={"parent_room": True, "language": True},
    )
    assert step.data == {"parent_room": True, "language": True}
    services.case_transition(
        by=world.family_specialist,
        case_id=case.pk,
        name="close_early",
        data={"outcome": Outcome.STAYED_REGULAR},
    )
    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.outcome) == (CaseState.CLOSED, Outcome.STAYED_REGULAR)


def test_the_childcare_worker_takes_no_step(world: World) -> None:
    cc = childcare(world)
    case = toddler_signal(cc).case
    assert allowed_transitions(cc.worker, case) == []


def test_the_case_page_offers_the_nurse_the_early_steps(world: World, client) -> None:  # type: ignore[no-untyped-def]
    cc = childcare(world)
    case = toddler_signal(cc).case
    sign_in(client, world.nurse)
    page = client.get(reverse("cases:case_detail", args=[case.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "CJG-consult" in text
    response = client.post(
        reverse("cases:case_transition", args=[case.pk, "jgz_consultation"]),
        {"jgz_consultation-consultation_on": "2026-12-03"},
    )
    assert response.status_code in (200, 302)
    assert Case.objects.get(pk=case.pk).state == CaseState.EARLY_CONSULTATION


@pytest.mark.parametrize("name", sorted(EARLY_EXPECTED))
@pytest.mark.parametrize(
    "role",
    [
        "teacher",
        "internal_coach",
        "director",
        "coordinator",
        "education_specialist",
        "family_specialist",
        "district_team",
        "psychologist",
        "school_nurse",
        "community_officer",
        "policy_officer",
    ],
)
def test_early_row_allowed_or_refused_per_role(world: World, name: str, role: str) -> None:
    source, data, allowed = EARLY_EXPECTED[name]
    cc = childcare(world)
    case = toddler_signal(cc).case
    if source == CaseState.EARLY_CONSULTATION:
        services.case_transition(by=world.nurse, case_id=case.pk, name="jgz_consultation")
    user = world.by_role()[role]
    if role in allowed:
        step = services.case_transition(by=user, case_id=case.pk, name=name, data=dict(data))
        assert step.from_state == source
    else:
        with pytest.raises((TransitionRefused, NotFound)):
            services.case_transition(by=user, case_id=case.pk, name=name, data=dict(data))
        assert Case.objects.get(pk=case.pk).state == source
