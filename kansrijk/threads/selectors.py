"""Reading the support team's thread: only for who reads the case's file (Action.FULL)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from kansrijk.access.matrix import Action
from kansrijk.access.policies import can, filter_cases
from kansrijk.cases.models import Case
from kansrijk.threads.models import ThreadMessage, ThreadRead

if TYPE_CHECKING:
    from kansrijk.core.models import Professional

#: Messages per page of a thread.
PAGE_SIZE = 25
#: Cases with unread messages listed on my-work at most.
UNREAD_LIMIT = 20


def thread_page(case: Case, number: str | int | None) -> Page[ThreadMessage]:
    """One page of the case's thread, newest first (the caller may read the file)."""
    messages = ThreadMessage.objects.filter(case=case).select_related("author")
    messages = messages.order_by("-created_at", "-id")
    return Paginator(messages, PAGE_SIZE).get_page(number)


def team_of(case: Case) -> list[Professional]:
    """The support team that the thread informs: the contact person and the case's members
    who read the file (need-to-know: a member who sees only a summary gets no message)."""
    from kansrijk.core.models import Professional

    people = Professional.objects.filter(
        Q(pk=case.contact_person_id) | Q(case_memberships__case=case.pk), is_active=True
    ).distinct()
    return [person for person in people.order_by("pk") if can(person, Action.FULL, case)]


def _read_until(user: Professional) -> Subquery:
    return Subquery(
        ThreadRead.objects.filter(case=OuterRef("case_id"), professional=user).values("read_until")[
            :1
        ]
    )


def _unread(user: Professional) -> QuerySet[ThreadMessage]:
    """Messages by others, newer than the user's read marker of their case."""
    return (
        ThreadMessage.objects.exclude(author=user)
        .annotate(seen=_read_until(user))
        .filter(Q(seen__isnull=True) | Q(created_at__gt=F("seen")))
    )


def unread_counts(user: Professional, case_ids: list[int]) -> dict[int, int]:
    """Unread messages per case, for these cases (one query)."""
    if not case_ids:
        return {}
    rows = _unread(user).filter(case_id__in=case_ids).values("case_id").annotate(n=Count("id"))
    return {row["case_id"]: row["n"] for row in rows}


def unread_threads(user: Professional) -> list[tuple[Case, int]]:
    """The cases whose thread has messages the user has not read, among the cases whose file
    they read: the my-work panel (bounded)."""
    readable = filter_cases(Case.objects.all(), user, Action.FULL).values("pk")
    rows = list(
        _unread(user)
        .filter(case_id__in=readable)
        .values("case_id")
        .annotate(n=Count("id"))
        .order_by("-n", "case_id")[:UNREAD_LIMIT]
    )
    cases = Case.objects.select_related("family").in_bulk([row["case_id"] for row in rows])
    return [(cases[row["case_id"]], row["n"]) for row in rows if row["case_id"] in cases]
