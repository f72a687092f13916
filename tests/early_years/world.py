"""A childcare location next to the test world's child centre, with its rule and contact."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from kansrijk.access.roles import Role
from kansrijk.cases import services
from kansrijk.cases.models import Child, Signal
from kansrijk.core.models import Location, Organisation, Professional
from kansrijk.early_years.models import ChildcareRule
from kansrijk.safety.models import ChildcareContact
from tests.conftest import World
from tests.factories import (
    ChildFactory,
    GuardianFactory,
    LocationFactory,
    OrganisationFactory,
    professional,
    teaches,
)


@dataclass
class Childcare:
    location: Location
    worker: Professional
    rule: ChildcareRule
    toddler: Child
    sibling: Child  # the toddler's older brother or sister at school


def childcare(world: World, contact: str = ChildcareRule.Contact.FAMILY_SPECIALIST) -> Childcare:
    organisation = OrganisationFactory(
        name="Kinderopvang Westwijk", kind=Organisation.Kind.CHILDCARE
    )
    location = LocationFactory(
        organisation=organisation,
        name="Kinderopvang De Schakel",
        code="ko-schakel",
        kind=Location.Kind.CHILDCARE,
    )
    worker = teaches(
        professional(Role.CHILDCARE_WORKER, location, username="kinderopvang"), location, "peuters"
    )
    rule = ChildcareRule.objects.create(
        childcare=location, child_centre=world.school, contact=contact
    )
    ChildcareContact.objects.create(location=location, professional=world.district_team)
    sibling = ChildFactory(location=world.school, given_name="Sem", family_name="Jansen")
    GuardianFactory(family=sibling.family, name="Anna Jansen")
    toddler = ChildFactory(
        family=sibling.family,
        location=location,
        group="peuters",
        given_name="Lotte",
        family_name="Jansen",
        date_of_birth=timezone.localdate() - datetime.timedelta(days=3 * 365 + 200),
    )
    return Childcare(location, worker, rule, toddler, sibling)


def toddler_signal(cc: Childcare, **extra: object) -> Signal:
    return services.signal_create(
        by=cc.worker,
        child=cc.toddler,
        domain=Signal.Domain.DEVELOPMENT,
        urgency=Signal.Urgency.NORMAL,
        description="Lotte praat nog weinig en speelt vaak alleen.",
        **{"parents_agree": True, **extra},  # type: ignore[arg-type]
    )


#: Which professionals of the `world` fixture may take each row of the 0–4 route on a
#: toddler's case (start state, data): the counterpart of tests/cases/test_workflow.EXPECTED.
EARLY_EXPECTED: dict[str, tuple[str, dict[str, object], set[str]]] = {
    "jgz_consultation": (
        "signalled",
        {},
        {"school_nurse", "family_specialist", "district_team"},
    ),
    "vve_indication": ("early_consultation", {"programme": "Piramide"}, {"school_nurse"}),
    "offer_parent_activities": (
        "early_consultation",
        {"parent_room": True},
        {"school_nurse", "family_specialist", "district_team"},
    ),
    "close_early": (
        "early_consultation",
        {"outcome": "stayed_regular"},
        {"school_nurse", "family_specialist", "district_team", "coordinator"},
    ),
}
