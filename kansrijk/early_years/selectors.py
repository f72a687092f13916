"""Reading warm handovers, filtered by `access.policies.handover_sides` inside the query."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from kansrijk.access.policies import handover_content_shown, handover_sides
from kansrijk.cases.errors import NotFound
from kansrijk.cases.models import Child
from kansrijk.core.models import Location, Professional
from kansrijk.early_years.models import Handover


def _condition(user: Professional) -> Q:
    sides = handover_sides(user)
    return (
        Q(prepared_by=user)
        | Q(from_location__in=sides.sending)
        | Q(to_location__in=sides.receiving)
        | Q(receiving_teacher=user)
    )


def handovers_for(user: Professional) -> QuerySet[Handover]:
    """The handovers the user prepared, sends as IB, or receives at their school (paged)."""
    return (
        Handover.objects.filter(_condition(user))
        .select_related("child", "from_location", "to_location", "prepared_by")
        .order_by("-prepared_at", "-id")
    )


def handover_for(user: Professional, handover_id: int) -> Handover:
    handover = handovers_for(user).filter(pk=handover_id).first()
    if handover is None:
        raise NotFound
    return handover


def on_sending_side(user: Professional, handover: Handover) -> bool:
    return (
        handover.prepared_by_id == user.pk
        or handover.from_location_id in handover_sides(user).sending
    )


def on_receiving_side(user: Professional, handover: Handover) -> bool:
    return (
        handover.to_location_id in handover_sides(user).receiving
        or handover.receiving_teacher_id == user.pk
    )


def content_shown(user: Professional, handover: Handover) -> bool:
    return handover_content_shown(
        sending_side=on_sending_side(user, handover),
        consent_given=handover.consent == Handover.Consent.GIVEN,
    )


def receiving_schools() -> QuerySet[Location]:
    return Location.objects.filter(kind=Location.Kind.CHILD_CENTRE).order_by("name")


def receiving_teachers(handover: Handover) -> QuerySet[Professional]:
    from kansrijk.access.roles import Role

    return Professional.objects.filter(
        is_active=True,
        memberships__location=handover.to_location_id,
        memberships__role=Role.TEACHER,
    ).distinct()


#: The mentor prepares a handover some months before the child turns four.
DUE_WITHIN_MONTHS = 6


def handovers_due(user: Professional, today: datetime.date | None = None) -> QuerySet[Child]:
    """Toddlers of the user's own groups who turn four within six months (or just did) and
    have no handover yet: the mentor's to-do."""
    from kansrijk.cases.selectors import pupils_for_signal

    today = today or timezone.localdate()
    fourth = datetime.date(today.year - 4, today.month, min(today.day, 28))
    return (
        pupils_for_signal(user)
        .filter(location__kind=Location.Kind.CHILDCARE)
        .filter(
            date_of_birth__gt=fourth - datetime.timedelta(days=60),
            date_of_birth__lte=fourth + datetime.timedelta(days=31 * DUE_WITHIN_MONTHS),
        )
        .exclude(handovers__isnull=False)
        .order_by("date_of_birth", "id")
    )
