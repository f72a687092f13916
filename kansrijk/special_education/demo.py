"""Programme line 3 in the Westwijk demo (issue 16): an SBO and a VSO school with their
pupils (Faker nl_NL, no BSN), the youth-care providers working there, staff logins, a
support-team meeting at each school, and integrated arrangements in every state."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from kansrijk.access.roles import Role
from kansrijk.cases.models import Child, Family, Guardian
from kansrijk.consent.models import Consent, Purpose
from kansrijk.core.models import Group, Location, Membership, Organisation, Professional
from kansrijk.special_education.models import (
    Arrangement,
    PlanEntry,
    ProviderAtSchool,
    SpecialSchool,
)

SEED = 20260216


@dataclass(frozen=True)
class DemoSchool:
    code: str
    name: str
    school_type: str
    provider: str
    groups: tuple[str, ...]
    ages: tuple[int, int]


SCHOOLS = (
    DemoSchool(
        "sbo-brug", "SBO De Brug", SpecialSchool.Type.SBO, "Jeugdhulp Delta", ("A", "B"), (7, 12)
    ),
    DemoSchool(
        "vso-anker", "VSO Het Anker", SpecialSchool.Type.VSO, "Zorggroep Oost", ("1", "2"), (12, 17)
    ),
)
BOARD = "Stichting Speciaal Onderwijs Westwijk"
#: Demo logins: (username, role, school code or provider name, group, what they show).
LOGINS: tuple[tuple[str, Role, str, str, str], ...] = (
    (
        "ib.sbo-brug",
        Role.INTERNAL_COACH,
        "sbo-brug",
        "",
        "keeps the integrated arrangements of SBO De Brug, renews them",
    ),
    ("directeur.sbo-brug", Role.DIRECTOR, "sbo-brug", "", "sees the arrangements of SBO De Brug"),
    (
        "leerkracht.sbo-brug",
        Role.TEACHER,
        "sbo-brug",
        "A",
        "reads and writes in the plans of group A",
    ),
    (
        "ib.vso-anker",
        Role.INTERNAL_COACH,
        "vso-anker",
        "",
        "keeps the integrated arrangements of VSO Het Anker",
    ),
    (
        "jeugdhulp.delta",
        Role.CARE_PROVIDER,
        "Jeugdhulp Delta",
        "",
        "youth care at SBO De Brug: writes in the plans, coordinates some",
    ),
    ("jeugdhulp.oost", Role.CARE_PROVIDER, "Zorggroep Oost", "", "youth care at VSO Het Anker"),
)
#: The states a demo arrangement is left in, per school (one pupil each; the rest have none).
STATES = ("draft", "active", "up_for_renewal", "renewed", "ended_regular", "ended_other", "active")
PUPILS_PER_SCHOOL = 10


def _logins(
    schools: dict[str, Location], providers: dict[str, Organisation]
) -> dict[str, Professional]:
    from faker import Faker

    from kansrijk.demo.people import DEMO_PASSWORD

    fake = Faker("nl_NL")
    fake.seed_instance(SEED)
    password = make_password(DEMO_PASSWORD)
    people: dict[str, Professional] = {}
    for username, role, where, group, _can in LOGINS:
        person, _ = Professional.objects.update_or_create(
            username=username,
            defaults={
                "first_name": fake.first_name(),
                "last_name": fake.last_name(),
                "email": f"{username}@example.org",
                "password": password,
                "is_active": True,
            },
        )
        person.memberships.all().delete()
        if where in schools:
            location = schools[where]
            membership = Membership.objects.create(
                professional=person,
                role=role,
                organisation=location.organisation,
                location=location,
            )
            if group:
                membership.groups.set(
                    [Group.objects.get_or_create(location=location, name=group)[0]]
                )
        else:
            Membership.objects.create(professional=person, role=role, organisation=providers[where])
        people[username] = person
    try:
        from kansrijk.accounts.demo import give_demo_device
    except ModuleNotFoundError:  # pragma: no cover
        return people
    for person in people.values():
        give_demo_device(person)
    return people


def _pupils(school: DemoSchool, location: Location, today: datetime.date) -> list[Child]:
    from faker import Faker

    fake = Faker("nl_NL")
    fake.seed_instance(f"{SEED}-{school.code}")
    young, old = school.ages
    pupils = []
    for index in range(PUPILS_PER_SCHOOL):
        family_name = fake.last_name()
        family = Family.objects.create(name=family_name, address=fake.street_address())
        Guardian.objects.create(
            family=family,
            name=f"{fake.first_name()} {family_name}",
            relation="ouder",
            phone="0612345678",
        )
        age = young + index % (old - young + 1)
        pupils.append(
            Child.objects.create(
                family=family,
                given_name=fake.first_name(),
                family_name=family_name,
                date_of_birth=today - datetime.timedelta(days=365 * age + 40 * index),
                location=location,
                group=school.groups[index % len(school.groups)],
            )
        )
    return pupils


def _arrangement(
    child: Child,
    location: Location,
    provider: Organisation,
    state: str,
    keeper: Professional,
    coordinator: Professional,
    today: datetime.date,
) -> Arrangement:
    ended = state.startswith("ended")
    decision_end = {
        "up_for_renewal": today + datetime.timedelta(days=60),
        "renewed": today + datetime.timedelta(days=420),
    }.get(state, today + datetime.timedelta(days=240))
    arrangement = Arrangement.objects.create(
        child=child,
        school=location,
        state=Arrangement.State.ENDED if ended else state,
        opp_goals=f"{child.given_name} werkt 20 minuten zelfstandig; leest op AVI M5 in juni.",
        opp_support="Kleine instructiegroep, prikkelarme werkplek, dagritmekaarten.",
        provider=provider,
        care_kind="Ambulante gezinsbegeleiding op school en thuis",
        hours_per_week=Decimal("3.0"),
        decision_number=f"BES-{today.year}-{child.pk:04d}" if state != "draft" else "",
        decision_start=today - datetime.timedelta(days=200) if state != "draft" else None,
        decision_end=decision_end if state != "draft" else None,
        coordinator=coordinator,
        evaluation_date=today + datetime.timedelta(days=45),
        replaced_indications=0 if state == "draft" else 2 + child.pk % 2,
        end_reason=(
            Arrangement.EndReason.BACK_TO_REGULAR
            if state == "ended_regular"
            else Arrangement.EndReason.LEFT_SCHOOL
        )
        if ended
        else "",
        ended_on=today - datetime.timedelta(days=20) if ended else None,
        warned_for=decision_end if state == "up_for_renewal" else None,
        renewed_at=timezone.now() - datetime.timedelta(days=10) if state == "renewed" else None,
        created_by=keeper,
    )
    if state != "draft":
        guardian = child.family.guardians.first()
        Consent.objects.create(
            child=child,
            purpose=Purpose.JOINT_TEAM,
            recipient=provider,
            status=Consent.Status.GIVEN,
            given_by=guardian,
            by_child=child.age_on(today) >= 12,
            method=Consent.Method.PAPER,
            recorded_by=keeper,
        )
        PlanEntry.objects.create(
            arrangement=arrangement,
            side=PlanEntry.Side.EDUCATION,
            author=keeper,
            text="Op school: werken met een timer en een vaste plek.",
        )
        PlanEntry.objects.create(
            arrangement=arrangement,
            side=PlanEntry.Side.YOUTH_CARE,
            author=coordinator,
            text="Thuis: dezelfde timer en een vast avondritme met ouders afgesproken.",
        )
    return arrangement


def seed_special_education_demo() -> dict[str, int]:
    """Idempotent: the schools, providers and logins are updated, the pupils and their
    arrangements made once."""
    from kansrijk.meetings.models import MeetingKind, MeetingSeries
    from kansrijk.meetings.services import series_create

    today = timezone.localdate()
    made = {"pupils": 0, "arrangements": 0}
    with transaction.atomic():
        board, _ = Organisation.objects.update_or_create(
            name=BOARD, defaults={"kind": Organisation.Kind.SPECIAL_EDUCATION}
        )
        schools: dict[str, Location] = {}
        providers: dict[str, Organisation] = {}
        for s in SCHOOLS:
            location, _ = Location.objects.update_or_create(
                code=s.code,
                defaults={
                    "name": s.name,
                    "kind": Location.Kind.SPECIAL_SCHOOL,
                    "organisation": board,
                    "district": "Westwijk",
                },
            )
            SpecialSchool.objects.update_or_create(
                location=location, defaults={"school_type": s.school_type}
            )
            provider, _ = Organisation.objects.update_or_create(
                name=s.provider, defaults={"kind": Organisation.Kind.CARE_PROVIDER}
            )
            ProviderAtSchool.objects.get_or_create(provider=provider, school=location)
            schools[s.code] = location
            providers[s.provider] = provider
        people = _logins(schools, providers)
        for s in SCHOOLS:
            location = schools[s.code]
            keeper = people[f"ib.{s.code}"]
            if not MeetingSeries.objects.filter(location=location).exists():
                series_create(
                    by=keeper,
                    kind=MeetingKind.SUPPORT_TEAM_MEETING,
                    name=f"VOT {s.name}",
                    location=location,
                    weekday=3,
                    start_time=datetime.time(14, 0),
                    every_weeks=2,
                    duration_minutes=60,
                    members=[],
                )
            if Child.objects.filter(location=location).exists():
                continue
            pupils = _pupils(s, location, today)
            made["pupils"] += len(pupils)
            care = people[
                "jeugdhulp.delta" if s.provider == "Jeugdhulp Delta" else "jeugdhulp.oost"
            ]
            for index, (child, state) in enumerate(zip(pupils, STATES, strict=False)):
                coordinator = care if index % 2 else keeper
                _arrangement(
                    child, location, providers[s.provider], state, keeper, coordinator, today
                )
                made["arrangements"] += 1
    return made
