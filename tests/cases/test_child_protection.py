"""Escalation to child protection (seed 001: Jeugdbescherming must not withdraw for the most
vulnerable children): the role, its matrix entry and a tailored plan."""

from __future__ import annotations

import pytest

from kansrijk.access.matrix import Action, Relation, allows
from kansrijk.access.roles import ESCALATION_ROLES, Role
from kansrijk.cases import services
from kansrijk.cases.models import CaseMember
from kansrijk.cases.workflow import CaseState, EscalationTarget
from kansrijk.core.models import Organisation
from kansrijk.notifications.models import Notification
from tests.cases.route import advance, open_case
from tests.factories import OrganisationFactory, professional

pytestmark = pytest.mark.django_db

GOAL = "Jeugdbescherming blijft betrokken: wekelijks contact en een veiligheidsplan."


def test_child_protection_is_an_escalation_role_like_the_others():
    assert Role.CHILD_PROTECTION in ESCALATION_ROLES
    assert EscalationTarget.CHILD_PROTECTION.value == Role.CHILD_PROTECTION.value
    assert allows(Role.CHILD_PROTECTION, Relation.REFERRAL_RECIPIENT, Action.FULL)
    assert not allows(Role.CHILD_PROTECTION, Relation.REFERRAL_RECIPIENT, Action.EDIT)
    assert not allows(Role.CHILD_PROTECTION, Relation.SAME_LOCATION, Action.SUMMARY)


def test_escalation_to_child_protection_refers_with_a_tailored_plan(world, pupil):
    jb = OrganisationFactory(name="Jeugdbescherming West", kind=Organisation.Kind.CHILD_PROTECTION)
    worker = professional(Role.CHILD_PROTECTION, None, organisation=jb, username="jb")
    case = advance(world, open_case(world, pupil), CaseState.EVALUATED)
    plans = case.plans.count()
    step = services.case_transition(
        by=world.family_specialist,
        case_id=case.pk,
        name="escalate",
        data={"escalated_to": "child_protection", "plan_goal": GOAL, "referral_consent": "paper"},
    )
    case.refresh_from_db()
    assert case.state == CaseState.ESCALATED
    referral = case.referrals.get()
    assert (referral.organisation, referral.target, referral.answer) == (
        jb,
        "child_protection",
        "pending",
    )
    # Told, not on the support team until they accept it (full read while it stands).
    assert not CaseMember.objects.filter(case=case, professional=worker).exists()
    assert case.plans.count() == plans + 1
    assert [g.text for g in case.plans.order_by("-number").first().goals.all()][-1] == GOAL
    assert step.data["escalated_to"] == "child_protection"
    assert Notification.objects.filter(recipient=worker, subject__contains="verwijzing").exists()
