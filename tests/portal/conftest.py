"""A family the portal tests sign in as: two parents (one without parental authority), a
child under 12 and a young person of 14, one open case with a plan and a support team."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from itertools import islice

import pytest
from django.test import Client
from django.utils import timezone

from kansrijk.access.roles import Role
from kansrijk.accounts import session_clock
from kansrijk.cases.models import (
    Case,
    CaseMember,
    Child,
    Goal,
    Guardian,
    PlanAction,
    PlanVersion,
    Signal,
)
from kansrijk.consent.models import Consent, Purpose
from kansrijk.demo.pupils import test_bsns
from kansrijk.portal.visitors import CHILD_KEY, GUARDIAN_KEY
from tests.conftest import World
from tests.factories import ChildFactory, GuardianFactory

BSNS = list(islice(test_bsns(), 20))


@dataclass
class PortalFamily:
    case: Case
    child: Child
    teen: Child
    parent: Guardian
    other_parent: Guardian  # no parental authority
    plan: PlanVersion
    stranger: Guardian  # a parent of another family
    stranger_case: Case


def _years_ago(years: int) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=30)


def _case(world: World, child: Child) -> Case:
    case = Case.objects.create(
        family=child.family, location=world.school, contact_person=world.coach,
        state="in_support",
    )  # fmt: skip
    Signal.objects.create(
        case=case, child=child, author=world.teacher, author_role=Role.TEACHER,
        location=world.school, domain="learning", description="Leest nog moeizaam",
    )  # fmt: skip
    return case


@pytest.fixture
def family(world: World) -> PortalFamily:
    child = ChildFactory(location=world.school, given_name="Sem", date_of_birth=_years_ago(8))
    teen = ChildFactory(
        family=child.family, location=world.school, given_name="Lotte",
        date_of_birth=_years_ago(14), bsn=BSNS[2],
    )  # fmt: skip
    parent = GuardianFactory(
        family=child.family, name="Anna de Vries", bsn=BSNS[0], email="anna@example.org"
    )
    other = GuardianFactory(
        family=child.family, name="Kees de Vries", bsn=BSNS[1], parental_authority=False
    )
    case = _case(world, child)
    Signal.objects.create(
        case=case, child=teen, author=world.teacher, author_role=Role.TEACHER,
        location=world.school, domain="behaviour", description="Trekt zich terug",
    )  # fmt: skip
    CaseMember.objects.create(case=case, professional=world.swv, role=Role.EDUCATION_SPECIALIST)
    for kid in (child, teen):
        Consent.objects.create(
            child=kid, case=case, purpose=Purpose.DISCUSS_IN_VOT, status=Consent.Status.GIVEN,
            given_by=parent, by_child=kid is teen, method="paper", recorded_by=world.coach,
        )  # fmt: skip
    plan = PlanVersion.objects.create(
        case=case, number=1, summary="Samen lezen", created_by=world.coach,
        evaluation_date=timezone.localdate() + datetime.timedelta(days=42),
    )  # fmt: skip
    Goal.objects.create(plan=plan, text="Sem leest elke dag tien minuten")
    PlanAction.objects.create(plan=plan, description="Leesplan maken", owner=world.coach)
    stranger_child = ChildFactory(location=world.school, given_name="Noor")
    stranger = GuardianFactory(family=stranger_child.family, name="Fatma Yilmaz", bsn=BSNS[3])
    return PortalFamily(
        case=case, child=child, teen=teen, parent=parent, other_parent=other, plan=plan,
        stranger=stranger, stranger_case=_case(world, stranger_child),
    )  # fmt: skip


def enter(client: Client, who: Guardian | Child) -> Client:
    """A portal session for this family member, as the DigiD sign-in leaves it (the sign-in
    itself is tested through the real provider in test_signing_in)."""
    session = client.session
    session[GUARDIAN_KEY if isinstance(who, Guardian) else CHILD_KEY] = who.pk
    session_clock.start(session)
    session.save()
    return client
