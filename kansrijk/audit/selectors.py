"""Reading the access log for the privacy officer: who opened a family's or child's file.

A search resolves to one family (through a child's BSN or name, the family name or a case
number); the entries about that family are those naming the family, one of its children or
one of its cases, and the list reads that showed one of them (audit.listed). Narrowed to a
child, entries about a sibling alone are left out.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
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


def about(subject: Subject, ids: FamilyIds | None = None) -> list[Q]:
    """What makes an entry one about the subject, as conditions each answered by an index of
    the log (their OR is the search); `ids`: the family's (`family_ids`), when the caller read
    them already."""
    family = subject.family
    ids = ids or family_ids(family)
    cases, children = ids.cases, ids.children
    if subject.child is not None:
        own = [
            Q(child_id=subject.child.pk),
            Q(child_id__isnull=True, family_id=family.pk),
            Q(child_id__isnull=True, case_id__in=cases),
        ]
        # A list shows a case with the children the reader may see: the child's own listing,
        # and the family's cases and the family (as the family's entries above).
        listed = listing(cases=cases, families=[family.pk], children=[subject.child.pk])
    else:
        own = [Q(family_id=family.pk), Q(case_id__in=cases), Q(child_id__in=children)]
        listed = listing(cases=cases, families=[family.pk], children=children)
    return [*own, *listed]


@dataclass(frozen=True)
class Narrowing:
    """The officer's narrowing of a search: a period (whole days, local time) and a user."""

    since: datetime.date | None = None
    until: datetime.date | None = None
    user: str = ""

    def apply(self, queryset: QuerySet[AccessLogEntry]) -> QuerySet[AccessLogEntry]:
        zone = timezone.get_current_timezone()
        if self.since is not None:
            start = datetime.datetime.combine(self.since, datetime.time.min, tzinfo=zone)
            queryset = queryset.filter(at__gte=start)
        if self.until is not None:
            end = datetime.datetime.combine(
                self.until + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
            )
            queryset = queryset.filter(at__lt=end)
        if self.user:
            queryset = queryset.filter(username__iexact=self.user.strip())
        return queryset


def _union(
    subject: Subject,
    ids: FamilyIds | None,
    read: Callable[[QuerySet[AccessLogEntry]], QuerySet[Any]],
) -> QuerySet[Any]:
    """`read` of the entries meeting each condition about the subject (`about`), each
    through its own index, joined in a UNION: an entry meeting two conditions once."""
    conditions = about(subject, ids)
    first, *rest = (read(AccessLogEntry.objects.filter(c)).order_by() for c in conditions)
    return first.union(*rest)


def rows_about(
    subject: Subject,
    fields: Sequence[str],
    *,
    ids: FamilyIds | None = None,
    within: Q | None = None,
) -> Iterator[dict[str, Any]]:
    """The entries about the subject (`about`), those `within` only, as rows of `fields`
    (with "id"), oldest first: what the family's inzage reads whole. Read as NewestFirst
    reads its ids: each condition through its own index, the rows joined in a UNION (an
    entry meeting two conditions once), planned for the subject's ids. As one filter, a
    family in 94,447 entries (its case on lists for years) took 1.6 s, 0.65 s as a union
    (region at 1.0, issue 17)."""
    if "id" not in fields:
        raise ValueError("the rows are told apart and ordered by their id")
    kept = within if within is not None else Q()
    rows = _union(subject, ids, lambda part: part.filter(kept).values(*fields)).order_by("id")
    with planned_anew(rows.db):
        yield from rows.iterator(chunk_size=2000)


class NewestFirst:
    """The entries about a subject (`about`), narrowed, newest first, counted and read a page
    at a time: a Paginator's object list, and the API's.

    Each condition is read through its own index and the ids are joined (a UNION), then
    sorted; the page's entries are read by id. As one filter (their OR), PostgreSQL read
    every match from a bitmap of all the indexes and tested each against the whole OR again,
    the listed-ids function (audit.listed) over every list entry's detail among them: a case
    with 11,153 entries took 82 ms to count and 87 ms for a page, 27 and 15 as a union
    (region at 1.0, stop 72). The count reads the newest ids with it (`first`). Read in id
    order with a LIMIT, PostgreSQL read the log backwards past every entry (2.9 s). Both
    reads are planned for the subject's ids (`plans.planned_anew`): prepared, PostgreSQL took
    a generic plan that read the log backwards by id from the eighth search on a connection."""

    #: The newest ids read with the count: the first page of the officer's page and of the
    #: API's default limit is then one pass over the union, not two.
    first = 100

    def __init__(
        self, subject: Subject, *, narrowing: Narrowing | None = None, ids: FamilyIds | None = None
    ) -> None:
        narrowing = narrowing or Narrowing()
        self.matched = _union(
            subject, ids, lambda part: narrowing.apply(part).values_list("id", flat=True)
        )
        self._counted: tuple[int, list[int]] | None = None

    def count(self) -> int:
        """How many entries match, read once with the newest `first` of their ids."""
        if self._counted is None:
            using = self.matched.db
            try:
                sql, params = self.matched.query.get_compiler(using).as_sql()
            except EmptyResultSet:
                self._counted = (0, [])
                return 0
            counted = (
                f"SELECT id, COUNT(*) OVER () FROM ({sql}) AS matched "  # noqa: S608 - the ORM's SQL
                "ORDER BY id DESC LIMIT %s"
            )
            with planned_anew(using), connections[using].cursor() as cursor:
                cursor.execute(counted, [*params, self.first])
                rows = cursor.fetchall()
            self._counted = (rows[0][1] if rows else 0, [row[0] for row in rows])
        return self._counted[0]

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[AccessLogEntry]:
        start, stop = page.start or 0, page.stop
        if stop is None or stop < start:
            raise ValueError("a page of the entries has an end, at or after its start")
        if stop == start:  # an empty list's one page
            return []
        using = self.matched.db
        with planned_anew(using):
            if self._counted is not None and (
                stop <= len(self._counted[1]) or len(self._counted[1]) == self._counted[0]
            ):
                shown = self._counted[1][start:stop]  # read with the count
            else:
                shown = list(self.matched.order_by("-id")[start:stop])
            if not shown:
                return []
            return list(AccessLogEntry.objects.using(using).filter(pk__in=shown).order_by("-id"))
