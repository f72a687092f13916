"""Reading the access log for the privacy officer: who opened a family's or child's file.

A search resolves to one family (through a child's BSN or name, the family name or a case
number); the entries about that family are those naming the family, one of its children or
one of its cases, and the list reads that showed one of them (audit.listed). Narrowed to a
child, entries about a sibling alone are left out.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db import connections
from django.db.models import Q, QuerySet, Value
from django.utils import timezone

from kansrijk.access.policies import roles_of
from kansrijk.access.roles import Role
from kansrijk.audit.listed import listing
from kansrijk.audit.models import AccessLogEntry
from kansrijk.cases.models import Case, Child, Family
from kansrijk.core.models import Professional
from kansrijk.plans import planned_anew

BSN = re.compile(r"^\d{9}$")
MAX_MATCHES = 50


def is_privacy_officer(user: Professional) -> bool:
    """The one role that reads the access log (everyone else gets a 404, house rule 2)."""
    return user.is_authenticated and user.is_active and Role.PRIVACY_OFFICER in roles_of(user)


@dataclass(frozen=True)
class Subject:
    """What an access-log search is about: a family, optionally narrowed to a child."""

    family: Family
    child: Child | None = None


def families_matching(text: str) -> QuerySet[Family]:
    """Families with a child whose BSN or name matches, or whose own name matches."""
    text = " ".join(text.split())
    if BSN.match(text):
        condition = Q(children__bsn=text)
    else:
        condition = (
            Q(name__icontains=text)
            | Q(children__given_name__icontains=text)
            | Q(children__family_name__icontains=text)
        )
        given, _space, family_name = text.partition(" ")
        if family_name:
            condition |= Q(children__given_name__icontains=given) & Q(
                children__family_name__icontains=family_name
            )
    return (
        Family.objects.filter(condition)
        .distinct()
        .prefetch_related("children")
        .order_by("name", "id")
    )


def subject_for(
    *, family_id: int | None = None, child_id: int | None = None, case_id: int | None = None
) -> Subject | None:
    if child_id is not None:
        child = Child.objects.select_related("family").filter(pk=child_id).first()
        return Subject(child.family, child) if child else None
    if case_id is not None:
        case = Case.objects.select_related("family").filter(pk=case_id).first()
        return Subject(case.family) if case else None
    if family_id is not None:
        family = Family.objects.filter(pk=family_id).first()
        return Subject(family) if family else None
    return None


@dataclass(frozen=True)
class FamilyIds:
    """The ids of all a family's cases and children."""

    cases: list[int]
    children: list[int]


def family_ids(family: Family) -> FamilyIds:
    """The family's case and child ids in one query."""
    cases = Case.objects.filter(family=family).annotate(kind=Value("case")).order_by()
    children = Child.objects.filter(family=family).annotate(kind=Value("child")).order_by()
    rows = cases.values_list("id", "kind").union(children.values_list("id", "kind"), all=True)
    found = FamilyIds([], [])
    for pk, kind in rows:
        (found.cases if kind == "case" else found.children).append(pk)
    return FamilyIds(sorted(found.cases), sorted(found.children))


def entries_about(
    subject: Subject,
    *,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    user: str = "",
    ids: FamilyIds | None = None,
) -> QuerySet[AccessLogEntry]:
    """The access-log entries about the subject, newest first, filtered by period and user;
    `ids`: the family's (`family_ids`), when the caller read them already."""
    family = subject.family
    ids = ids or family_ids(family)
    cases, children = ids.cases, ids.children
    if subject.child is not None:
        about = Q(child_id=subject.child.pk) | (
            Q(child_id__isnull=True) & (Q(family_id=family.pk) | Q(case_id__in=cases))
        )
        # A list shows a case with the children the reader may see: the child's own listing,
        # and the family's cases and the family (as the family's entries above).
        listed = listing(cases=cases, families=[family.pk], children=[subject.child.pk])
    else:
        about = Q(family_id=family.pk) | Q(case_id__in=cases) | Q(child_id__in=children)
        listed = listing(cases=cases, families=[family.pk], children=children)
    queryset = AccessLogEntry.objects.filter(about | listed)
    zone = timezone.get_current_timezone()
    if since is not None:
        start = datetime.datetime.combine(since, datetime.time.min, tzinfo=zone)
        queryset = queryset.filter(at__gte=start)
    if until is not None:
        end = datetime.datetime.combine(
            until + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        queryset = queryset.filter(at__lt=end)
    if user:
        queryset = queryset.filter(username__iexact=user.strip())
    return queryset.order_by("-id")


class NewestFirst:
    """The entries of a search (`entries_about`), newest first, read a page at a time as a
    filter and then a sort: a Paginator's object list, and the API's.

    Asked for the newest 50 by id, PostgreSQL reads each partition of the log backwards by
    id, filtering every entry, until it meets the subject's newest there, and a partition
    without them it reads whole: a search by case on the region at 1.0 took 2.9 s, 9.85 M
    entries filtered. In a subquery it may not merge (`OFFSET 0`) the search is the union of
    its indexes' matches, then sorted: what the subject's own entries cost. Both reads run
    with plans made for the subject's ids (`plans.planned_anew`): prepared, PostgreSQL took
    a generic plan from the eighth search on a connection that read the log backwards."""

    def __init__(self, entries: QuerySet[AccessLogEntry]) -> None:
        self.entries = entries.order_by()

    def count(self) -> int:
        with planned_anew(self.entries.db):
            return self.entries.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[AccessLogEntry]:
        start, stop = page.start or 0, page.stop
        if stop is None or stop < start:
            raise ValueError("a page of the entries has an end, at or after its start")
        if stop == start:  # an empty list's one page
            return []
        connection = connections[self.entries.db]
        if connection.vendor != "postgresql":  # one table, no partitions
            return list(self.entries.order_by("-id")[start:stop])
        sql, params = self.entries.query.sql_with_params()
        fenced = (
            f"SELECT * FROM ({sql} OFFSET 0) AS matched "  # noqa: S608 - the ORM's own SQL
            "ORDER BY id DESC LIMIT %s OFFSET %s"
        )
        entries = AccessLogEntry.objects.using(self.entries.db)
        with planned_anew(self.entries.db):
            return list(entries.raw(fenced, [*params, stop - start, start]))
