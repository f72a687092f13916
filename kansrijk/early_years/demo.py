"""The 0–6 line in the Westwijk demo (issue 12): where each childcare location's signals go,
a toddler's childcare signal per centre, and warm handovers in every state."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from kansrijk.cases.models import Case, Child, Signal
from kansrijk.cases.workflow import CaseState
from kansrijk.core.models import Location, Professional
from kansrijk.early_years.models import ChildcareRule, Handover
from kansrijk.safety.models import ChildcareContact

#: Which receiver becomes contact person, per centre: each rule once.
CONTACT_RULES = {
    "pwa": ChildcareRule.Contact.FAMILY_SPECIALIST,
    "schakel": ChildcareRule.Contact.NURSE,
    "wereldwijzer": ChildcareRule.Contact.DISTRICT_CONTACT,
}
#: The states a demo handover is left in, one toddler each.
STATES = ("asked", "refused", "given", "planned", "met", "followed_up")


def seed_childcare_rules(centres: dict[str, Location], childcare: dict[str, Location]) -> None:
    """Each childcare location's signals go to its child centre (seed_people calls this, so
    that the demo's childcare signals are routed)."""
    for code, rule in CONTACT_RULES.items():
        if code in centres and code in childcare:
            ChildcareRule.objects.update_or_create(
                childcare=childcare[code],
                defaults={"child_centre": centres[code], "contact": rule},
            )


def _enough_toddlers(centre: Location, childcare: Location, wanted: int) -> None:
    """Younger siblings of the centre's group-1 pupils join the childcare's toddler group
    until it has `wanted` toddlers, turning four in the coming months (Faker nl_NL names)."""
    from faker import Faker

    from kansrijk.demo.people import CHILDCARE_GROUP

    missing = wanted - Child.objects.filter(location=childcare).count()
    if missing <= 0:
        return
    fake = Faker("nl_NL")
    fake.seed_instance(f"toddlers-{centre.code}")
    today = timezone.localdate()
    pupils = Child.objects.filter(location=centre, group="1").order_by("id")[:missing]
    for months, pupil in enumerate(pupils, start=1):
        Child.objects.create(
            family=pupil.family,
            given_name=fake.first_name(),
            family_name=pupil.family_name,
            date_of_birth=today - datetime.timedelta(days=4 * 365 - 30 * months),
            location=childcare,
            group=CHILDCARE_GROUP,
        )


def _person(username: str) -> Professional | None:
    return Professional.objects.filter(username=username, is_active=True).first()


def _handover(child: Child, school: Location, mentor: Professional, state: str) -> None:
    from kansrijk.early_years import services

    handover = services.handover_prepare(
        by=mentor,
        child=child,
        to_location=school,
        kind=Handover.Kind.CHILDCARE_TO_SCHOOL,
        goes_well=f"{child.given_name} speelt graag samen en zingt alle liedjes mee.",
        attention_points="Nederlandse woordenschat; afscheid nemen bij het brengen.",
        what_works="Vaste rituelen en een plaatje bij elke overgang.",
        vve_programme="Piramide",
        parents_view="De ouders zijn trots en willen graag meedenken.",
    )
    if state == "asked":
        return
    services.handover_consent(by=mentor, handover_id=handover.pk, given=state != "refused")
    if state in ("refused", "given"):
        return
    ib = _person(f"ib.{school.code}")
    if ib is None:
        return
    at = timezone.now() + datetime.timedelta(days=14 if state == "planned" else -50)
    teacher = _person(f"leerkracht.{school.code}")
    services.handover_plan_meeting(by=ib, handover_id=handover.pk, at=at, receiving_teacher=teacher)
    if state == "planned":
        return
    services.handover_meeting_result(
        by=ib, handover_id=handover.pk, result="Warm gesprek gevoerd met ouders en mentor."
    )
    if state == "followed_up" and teacher is not None:
        services.handover_follow_up(
            by=teacher,
            handover_id=handover.pk,
            text=f"{child.given_name} is goed gestart in groep 1 en heeft al vriendjes.",
        )


def seed_early_years_demo() -> dict[str, int]:
    """Rules, contacts, a childcare signal and handovers per centre (idempotent)."""
    from kansrijk.cases.services import signal_create

    made = {"rules": 0, "signals": 0, "handovers": 0}
    contact = _person("wijkteam")
    with transaction.atomic():
        for code, rule in CONTACT_RULES.items():
            centre = Location.objects.filter(code=code).first()
            childcare = Location.objects.filter(code=f"ko-{code}").first()
            mentor = _person(f"kinderopvang.{code}")
            if centre is None or childcare is None or mentor is None:
                continue
            _rule, created = ChildcareRule.objects.get_or_create(
                childcare=childcare, defaults={"child_centre": centre, "contact": rule}
            )
            made["rules"] += int(created)
            if contact is not None:
                ChildcareContact.objects.get_or_create(
                    location=childcare, defaults={"professional": contact}
                )
            if Handover.objects.filter(from_location=childcare).exists():
                continue
            _enough_toddlers(centre, childcare, len(STATES) + 1)
            toddlers = list(
                Child.objects.filter(location=childcare).order_by("date_of_birth", "id")[
                    : len(STATES)
                ]
            )
            for child, state in zip(toddlers, STATES, strict=False):
                _handover(child, centre, mentor, state)
                made["handovers"] += 1
            # A toddler of a family without an open case: the signal opens one at the centre.
            quiet = (
                Child.objects.filter(location=childcare)
                .exclude(pk__in=[c.pk for c in toddlers])
                .exclude(family__cases__in=Case.objects.exclude(state=CaseState.CLOSED))
                .order_by("id")
                .first()
            )
            if quiet is not None:
                signal_create(
                    by=mentor,
                    child=quiet,
                    domain=Signal.Domain.DEVELOPMENT,
                    urgency=Signal.Urgency.NORMAL,
                    description=f"{quiet.given_name} praat nog weinig en speelt vaak alleen; "
                    "de ouders maken zich ook zorgen.",
                    parents_agree=True,
                )
                made["signals"] += 1
    return made
