"""Reading homework support: a family specialist sees only their own (need-to-know, as the
contact person of a case)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet

from kansrijk.access.policies import memberships_of
from kansrijk.access.roles import Role
from kansrijk.cases.errors import NotFound
from kansrijk.cases.models import Child
from kansrijk.homework.models import HomeworkSupport

if TYPE_CHECKING:
    from kansrijk.core.models import Professional

PAGE_SIZE = 25


def own(user: Professional) -> QuerySet[HomeworkSupport]:
    return HomeworkSupport.objects.filter(specialist=user).select_related("child", "family")


def page_of(user: Professional, number: str | None) -> Page[HomeworkSupport]:
    """Open ones first, then the ended ones, newest first."""
    rows = own(user).order_by(F("ended_on").desc(nulls_first=True), "-started_on", "-id")
    return Paginator(rows, PAGE_SIZE).get_page(number)


def one(user: Professional, support_id: int) -> HomeworkSupport:
    found = own(user).filter(pk=support_id).first()
    if found is None:
        raise NotFound
    return found


def school_locations(user: Professional) -> list[int]:
    """Where the family specialist works: the schools whose pupils they may look up."""
    return [
        m.location_id
        for m in memberships_of(user)
        if m.role == Role.FAMILY_SPECIALIST and m.location_id is not None
    ]


def pupil_found(user: Professional, *, name: str, date_of_birth: datetime.date) -> Child | None:
    """One pupil of the specialist's schools by name and date of birth, never a list."""
    words = name.split()
    if not words:
        return None
    matches = Child.objects.filter(
        location__in=school_locations(user), date_of_birth=date_of_birth, left_on__isnull=True
    )
    for word in words:
        matches = matches.filter(Q(given_name__iexact=word) | Q(family_name__icontains=word))
    found = list(matches[:2])
    return found[0] if len(found) == 1 else None
