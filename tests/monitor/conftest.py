"""A small hand-countable data set for the monitor, built with the factories and the services.

The services stamp everything with "now"; the data set then moves each row to the moment the
story below says, so every figure can be computed by hand. Period: the first quarter of 2025.

De Schakel (world.school), 10 pupils enrolled, 7 families signalled:
  s1..s5: learning signals on 6 Jan 2025 by the teacher; s1 gets a second learning signal
          on 10 Feb (it joins s1's case). s6, s7: behaviour signals on 6 Jan.
  Cases s1..s5 walk the route: plan day 2, consent asked day 3, consent given day 5,
  district team checked day 6, support started day 8 + k (k = 0..4 for s1..s5), evaluated
  day 30, closed day 40 (= 15 Feb); outcomes s1, s2 stayed_regular, s3 school_alone,
  s4 with_family_specialist, s5 special_education.
  s6: plan day 2, consent asked day 3, refused day 4; still open, no step since (stalled).
  s7: only the opening signal; a family contact is not logged; still open.
IKC De Wereldwijzer (world.other_school), 4 pupils, 2 families signalled:
  w1, w2: home-situation signals on 3 Feb by the other coach; no further steps.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from kansrijk.cases.bsn import bsn_is_valid
from kansrijk.cases.models import Case, Child, ContactPersonAssignment, Signal, Step
from kansrijk.cases.services import case_transition, plan_create_version, signal_create
from kansrijk.consent.models import Consent
from kansrijk.core.models import Professional
from kansrijk.monitor.periods import Period
from tests.factories import ChildFactory, GuardianFactory

Q1_2025 = Period.quarter(2025, 1)


def valid_bsns(count: int, start: int = 123_456_000) -> list[str]:
    """BSNs that pass the elfproef, so a leak of one would be a real BSN-shaped string."""
    found: list[str] = []
    number = start
    while len(found) < count:
        if bsn_is_valid(str(number)):
            found.append(str(number))
        number += 1
    return found


def at(day: datetime.date | str, hour: int = 10) -> datetime.datetime:
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def signal(by: Professional, child: Child, domain: str, when: datetime.datetime) -> Signal:
    made = signal_create(
        by=by, child=child, domain=domain, urgency="normal", description="Valt op in de klas."
    )
    Signal.objects.filter(pk=made.pk).update(created_at=when)
    Step.objects.filter(case=made.case_id, data__signal=made.pk).update(at=when)
    if Step.objects.filter(case=made.case_id).count() == 1:  # it opened the case
        Case.objects.filter(pk=made.case_id).update(opened_at=when, last_step_at=when)
        ContactPersonAssignment.objects.filter(case=made.case_id).update(started_at=when)
    return made


def step(by: Professional, case: Case, name: str, when: datetime.datetime, **data: Any) -> Step:
    taken = case_transition(
        by=by, case_id=case.pk, name=name, comment=data.pop("comment", ""), data=data
    )
    Step.objects.filter(pk=taken.pk).update(at=when)
    Case.objects.filter(pk=case.pk).update(last_step_at=when)
    if name in {"consent_given", "consent_refused"}:
        Consent.objects.filter(case=case).update(recorded_at=when)
    if name == "start_support":
        ContactPersonAssignment.objects.filter(case=case, ended_at__isnull=False).update(
            ended_at=when
        )
        ContactPersonAssignment.objects.filter(case=case, ended_at__isnull=True).update(
            started_at=when
        )
    if name == "close":
        Case.objects.filter(pk=case.pk).update(closed_at=when)
    return taken


def walk(
    world: Any, case: Case, opened: datetime.datetime, route: list[tuple[str, int, dict]]
) -> None:
    """Take the route's steps, each `days` after the opening signal."""
    for name, days, data in route:
        when = opened + datetime.timedelta(days=days)
        if name == "make_plan":
            plan_create_version(
                by=world.coach,
                case_id=case.pk,
                summary="Plan",
                evaluation_date=None,
                goals=["Lezen"],
                actions=[],
            )
        if name in {"consent_given", "consent_refused"}:
            guardian: Any = case.family.guardians.first() or GuardianFactory(family=case.family)
            data = {**data, "guardian": guardian.pk, "method": "verbal"}
        actor = (
            world.family_specialist
            if name in {"check_district_team", "start_support"}
            else world.coach
        )
        step(actor, case, name, when, **data)


FULL_ROUTE = [
    ("make_plan", 2, {}),
    ("ask_consent", 3, {}),
    ("consent_given", 5, {}),
    ("check_district_team", 6, {"district_team_check": "not_known"}),
]


@dataclass
class Dataset:
    period: Period
    world: Any
    school_cases: list[Case] = field(default_factory=list)
    other_cases: list[Case] = field(default_factory=list)
    children: list[Any] = field(default_factory=list)


@pytest.fixture
def dataset(world: Any) -> Dataset:
    data = Dataset(Q1_2025, world)
    jan6 = at("2025-01-06")
    bsns = valid_bsns(14)
    kids: list[Any] = [
        ChildFactory(location=world.school, given_name=f"Kindnaam{i}", bsn=bsns[i])
        for i in range(10)
    ]
    others: list[Any] = [
        ChildFactory(location=world.other_school, given_name=f"Andernaam{i}", bsn=bsns[10 + i])
        for i in range(4)
    ]
    data.children = kids + others
    outcomes = [
        "stayed_regular",
        "stayed_regular",
        "school_alone",
        "with_family_specialist",
        "special_education",
    ]
    first = [signal(world.teacher, kids[i], "learning", jan6).case for i in range(5)]
    signal(world.teacher, kids[0], "learning", at("2025-02-10"))  # joins s1's open case
    for i, (case, outcome) in enumerate(zip(first, outcomes, strict=True)):
        walk(
            world,
            case,
            jan6,
            [
                *FULL_ROUTE,
                ("start_support", 8 + i, {}),
                ("evaluate", 30, {"comment": "Gaat beter."}),
                ("close", 40, {"outcome": outcome}),
            ],
        )
        data.school_cases.append(Case.objects.get(pk=case.pk))
    for i in (5, 6):
        case = signal(world.teacher, kids[i], "behaviour", jan6).case
        data.school_cases.append(case)
    walk(
        world,
        data.school_cases[5],
        jan6,
        [
            ("make_plan", 2, {}),
            ("ask_consent", 3, {}),
            ("consent_refused", 4, {}),
        ],
    )
    for child in others[:2]:
        data.other_cases.append(signal(world.other_coach, child, "home", at("2025-02-03")).case)
    return data
