"""Reading integrated arrangements, filtered by `access.policies.arrangement_sides` inside the
query (house rule 1): the school's IB and director their school's, a teacher those of their
own groups' pupils, the provider's workers those their organisation gives the care in while
the family's consent for the joint team is in force, the coordinator theirs. Nobody else: a
forbidden arrangement is NotFound like a missing one."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from kansrijk.access.policies import arrangement_sides
from kansrijk.access.roles import Role
from kansrijk.cases.errors import NotFound
from kansrijk.cases.models import Child
from kansrijk.consent.models import Consent, Purpose
from kansrijk.consent.selectors import in_force
from kansrijk.core.models import Location, Organisation, Professional
from kansrijk.special_education.models import Arrangement, PlanEntry

#: Renewal is due this many months before the decision or the arrangement ends (seed 002).
RENEWAL_MONTHS = 3


def joint_team_consent() -> Exists:
    """The family's consent for the joint team with the arrangement's provider, in force."""
    return Exists(
        Consent.objects.filter(
            in_force(),
            child=OuterRef("child"),
            purpose=Purpose.JOINT_TEAM,
            recipient=OuterRef("provider"),
        )
    )


def _condition(user: Professional) -> Q:
    sides = arrangement_sides(user)
    condition = Q(coordinator=user) | Q(school__in=sides.schools)
    for location, group in sides.groups:
        condition |= Q(school=location, child__group=group)
    if sides.providers:
        condition |= Q(provider__in=sides.providers) & Q(joint_team_consent())
    return condition


def arrangements_for(user: Professional) -> QuerySet[Arrangement]:
    """The arrangements the user may open, newest first (paged by the page)."""
    if not user.is_authenticated or not user.is_active:
        return Arrangement.objects.none()
    return (
        Arrangement.objects.filter(_condition(user))
        .select_related("child", "school", "provider", "coordinator")
        .order_by("-created_at", "-id")
    )


def arrangement_for(user: Professional, arrangement_id: int) -> Arrangement:
    arrangement = arrangements_for(user).filter(pk=arrangement_id).first()
    if arrangement is None:
        raise NotFound
    return arrangement


def keeps(user: Professional, arrangement: Arrangement) -> bool:
    """Who keeps the arrangement (creates, edits, asks consent, renews, ends): the school's
    IB and director, and the family's coordinator."""
    return (
        arrangement.school_id in arrangement_sides(user).schools
        or arrangement.coordinator_id == user.pk
    )


def side_of(user: Professional, arrangement: Arrangement) -> str | None:
    """On which side the user writes in the one plan, or None when they only read."""
    sides = arrangement_sides(user)
    if arrangement.coordinator_id == user.pk:
        return PlanEntry.Side.COORDINATOR
    if arrangement.school_id in sides.schools or any(
        location == arrangement.school_id and group == arrangement.child.group
        for location, group in sides.groups
    ):
        return PlanEntry.Side.EDUCATION
    if arrangement.provider_id in sides.providers:
        return PlanEntry.Side.YOUTH_CARE
    return None


def consent_in_force(arrangement: Arrangement) -> bool:
    if arrangement.provider_id is None:
        return False
    return Consent.objects.filter(
        in_force(),
        child=arrangement.child_id,
        purpose=Purpose.JOINT_TEAM,
        recipient=arrangement.provider_id,
    ).exists()


def schools_kept(user: Professional) -> QuerySet[Location]:
    """The special schools where the user starts arrangements."""
    return Location.objects.filter(pk__in=arrangement_sides(user).schools).order_by("name")


def pupils_of(schools: QuerySet[Location]) -> QuerySet[Child]:
    return Child.objects.filter(location__in=schools, left_on__isnull=True).order_by(
        "family_name", "given_name", "id"
    )


def providers_at(school_id: int) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        kind=Organisation.Kind.CARE_PROVIDER, special_schools__school=school_id
    ).order_by("name")


def coordinator_candidates(school_id: int) -> QuerySet[Professional]:
    """Who can coordinate for the family: staff of the school, or a worker of a youth-care
    provider that works at the school."""
    at_school = Q(memberships__location=school_id)
    provider = Q(
        memberships__role=Role.CARE_PROVIDER,
        memberships__organisation__special_schools__school=school_id,
    )
    return (
        Professional.objects.filter(Q(is_active=True) & (at_school | provider))
        .distinct()
        .order_by("first_name", "last_name", "id")
    )


def months_before(day: datetime.date, months: int) -> datetime.date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def renewal_due(today: datetime.date | None = None) -> list[Arrangement]:
    """Arrangements in force whose decision or own period ends within three months and that
    were not warned for that end date yet: the daily task's work."""
    today = today or timezone.localdate()
    horizon = datetime.date(today.year + 1, today.month, min(today.day, 28))
    candidates = (
        Arrangement.objects.filter(state__in=[Arrangement.State.ACTIVE, Arrangement.State.RENEWED])
        .filter(Q(decision_end__lte=horizon) | Q(ends_on__lte=horizon))
        .select_related("child", "school", "coordinator")
        .order_by("id")
    )
    due = []
    for arrangement in candidates:
        end = arrangement.due_on
        if end is None or arrangement.warned_for == end:
            continue
        if months_before(end, RENEWAL_MONTHS) <= today:
            due.append(arrangement)
    return due


def school_keepers(school_id: int) -> QuerySet[Professional]:
    """The school's IB and director: they are told when a renewal is due."""
    return Professional.objects.filter(
        is_active=True,
        memberships__location=school_id,
        memberships__role__in=[Role.INTERNAL_COACH, Role.DIRECTOR],
    ).distinct()
