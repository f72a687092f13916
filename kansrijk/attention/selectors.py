"""Reading the kept attention list: filtered by the matrix in the query (house rule 1).

An entry is shown to whoever may see its case in summary and keeps the list at that school
(access.policies.attention_roles_at); a closed case's entry leaves the list with the case.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import QuerySet, Subquery
from django.utils import timezone

from kansrijk.access.matrix import Action
from kansrijk.access.policies import (
    ATTENTION_KEEPING_ROLES,
    attention_roles_at,
    can,
    filter_cases,
)
from kansrijk.attention.models import (
    AttentionChange,
    AttentionEntry,
    AttentionVisit,
    SchoolAgreement,
)
from kansrijk.cases.models import Case
from kansrijk.cases.selectors import Visible, compiled_list, family_children, read_children
from kansrijk.cases.states import OPEN_STATES
from kansrijk.core.models import Location, Professional

#: The history page shows this many changes, newest first.
HISTORY_LENGTH = 100


def may_read(user: Professional, location: Location) -> bool:
    return bool(attention_roles_at(user, location.pk))


def may_keep(user: Professional, location: Location) -> bool:
    return bool(attention_roles_at(user, location.pk) & ATTENTION_KEEPING_ROLES)


def _visible_cases(user: Professional, location: Location) -> QuerySet[Case]:
    return filter_cases(Case.objects.filter(location=location), user, Action.SUMMARY)


def entries(user: Professional, location: Location) -> list[AttentionEntry]:
    """The pupils on the list now, as this user may see them (a bounded list: one entry per
    open case of the school). Each carries `seen_before`: the user's last visit to this list,
    read in the same query."""
    if not may_read(user, location):
        return []

    def build(uid: int, visible: Visible, location: int) -> QuerySet[AttentionEntry]:
        visit = AttentionVisit.objects.filter(location=location, professional=uid)
        cases = Case.objects.filter(visible("pk"), location=location).values("pk")
        return (
            AttentionEntry.objects.annotate(
                seen_before=Subquery(
                    visit.values("seen_at")[:1], output_field=models.DateTimeField()
                )
            )
            .filter(
                location=location,
                removed_at__isnull=True,
                case__state__in=OPEN_STATES,
                case__in=cases,
            )
            .select_related("case", "case__family", "case__location", "case__contact_person")
            .order_by("case__priority", "-changed_at", "-id")
        )

    found: list[AttentionEntry] = compiled_list(
        user, Action.SUMMARY, ("attention entries",), build, location=location.pk
    )
    read_children([entry.case.family for entry in found])
    return found


def entry_for(user: Professional, entry_id: int) -> AttentionEntry | None:
    """One active entry the user keeps, or None (a 404 to the view)."""
    entry = (
        AttentionEntry.objects.filter(pk=entry_id, removed_at__isnull=True)
        .select_related("location", "case")
        .first()
    )
    if entry is None or not may_keep(user, entry.location):
        return None
    if not _visible_cases(user, entry.location).filter(pk=entry.case_id).exists():
        return None
    return entry


def addable_cases(user: Professional, location: Location) -> QuerySet[Case]:
    """Open cases of the school the user sees and that are not on the list yet."""
    on_list = AttentionEntry.objects.filter(location=location, removed_at__isnull=True)
    return (
        _visible_cases(user, location)
        .filter(state__in=OPEN_STATES)
        .exclude(pk__in=on_list.values("case_id"))
        .select_related("family", "location", "contact_person")
        .prefetch_related(family_children())
        .order_by("pk")
    )


def history(user: Professional, location: Location) -> list[AttentionChange]:
    """Who changed what on the school's list, for the entries this user may see."""
    if not may_read(user, location):
        return []
    return list(
        AttentionChange.objects.filter(
            location=location, entry__case__in=_visible_cases(user, location).values("pk")
        )
        .select_related("by", "entry__case", "entry__case__family")
        .prefetch_related(family_children("entry__case__family"))[:HISTORY_LENGTH]
    )


def last_visit(user: Professional, location: Location) -> datetime.datetime | None:
    return (
        AttentionVisit.objects.filter(location=location, professional=user)
        .values_list("seen_at", flat=True)
        .first()
    )


def agreements_of(case: Case) -> list[SchoolAgreement]:
    """A case's agreements about school, running ones first (the case page decides who reads)."""
    return sorted(
        SchoolAgreement.objects.filter(case=case).select_related("made_by", "ended_by"),
        key=lambda a: (a.ended_at is not None, a.review_on),
    )


def agreements_due(case_ids: list[int], day: datetime.date | None = None) -> set[int]:
    """Which of these cases have a running agreement whose review date has come."""
    day = day or timezone.localdate()
    return set(
        SchoolAgreement.objects.filter(
            case__in=case_ids, ended_at__isnull=True, review_on__lte=day
        ).values_list("case_id", flat=True)
    )


def agreement_for(user: Professional, agreement_id: int) -> SchoolAgreement | None:
    """A running agreement on a case the user may edit, or None (a 404 to the view)."""
    agreement = (
        SchoolAgreement.objects.filter(pk=agreement_id, ended_at__isnull=True)
        .select_related("case")
        .first()
    )
    if agreement is None or not can(user, Action.EDIT, agreement.case):
        return None
    return agreement
