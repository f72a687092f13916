"""Reading the kept attention list: filtered by the matrix in the query (house rule 1).

An entry is shown to whoever may see its case in summary and keeps the list at that school
(access.policies.attention_roles_at); a closed case's entry leaves the list with the case.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from kansrijk.access.matrix import Action
from kansrijk.access.policies import (
    ATTENTION_KEEPING_ROLES,
    attention_roles_at,
    can,
    filter_cases,
    read_for_page,
    rows_read_for_page,
    visible_condition,
)
from kansrijk.attention.models import (
    AttentionChange,
    AttentionEntry,
    AttentionVisit,
    SchoolAgreement,
)
from kansrijk.cases.models import Case
from kansrijk.cases.selectors import (
    Visible,
    compiled_list,
    family_children,
    named_contact,
    read_children,
)
from kansrijk.cases.states import OPEN_STATES
from kansrijk.compiled import fetch, ids_in
from kansrijk.core.models import Location, Professional
from kansrijk.core.pages import PageNumbers

#: The history page shows this many changes, newest first.
HISTORY_LENGTH = 100


def may_read(user: Professional, location: Location) -> bool:
    return bool(attention_roles_at(user, location.pk))


def may_keep(user: Professional, location: Location) -> bool:
    return bool(attention_roles_at(user, location.pk) & ATTENTION_KEEPING_ROLES)


def _visible_cases(user: Professional, location: Location) -> QuerySet[Case]:
    return filter_cases(Case.objects.filter(location=location), user, Action.SUMMARY)


#: Entries a page of the list shows (issue 17: a school of the region keeps ~300 pupils on
#: its list, and all of them on one page cost ~180 ms of CPU and 380 kB).
ENTRIES_PER_PAGE = 50


@dataclass(frozen=True)
class EntryPage(PageNumbers):
    """A page of the list; `total` and `fresh` (new or changed since the user's last visit,
    `seen`) count the whole list."""

    entries: list[AttentionEntry]
    total: int
    fresh: int
    seen: datetime.datetime | None


#: The case columns the list is narrowed and ranked by, read with the ids the user may see.
LISTED_COLUMNS = ("location", "state", "priority")


def _on_the_list(location: int | Location, visible: Q) -> QuerySet[AttentionEntry]:
    """The school's entries on the list now whose case `visible` admits."""
    return AttentionEntry.objects.filter(visible, location=location, removed_at__isnull=True)


def _listed(user: Professional, location: Location) -> list[tuple[Any, ...]]:
    """The entries on the list now of the school's open cases the user may see: id, case,
    changed, added and the case's priority. The cases' columns come from the page's read of
    the ids (`read_for_page`); without it (SQLite, outside a page) the cases are joined."""
    read = rows_read_for_page(user, Action.SUMMARY, LISTED_COLUMNS)
    if read is None:
        visible = visible_condition(user, Action.SUMMARY, "case")
        return list(
            _on_the_list(location, visible)
            .filter(case__location=location, case__state__in=OPEN_STATES)
            .values_list("pk", "case_id", "changed_at", "added_at", "case__priority")
        )
    here = {
        pk: priority
        for pk, (at, state, priority) in read.items()
        if at == location.pk and state in OPEN_STATES
    }

    def build(uid: int, visible: Visible, location: int) -> QuerySet[Any]:
        return _on_the_list(location, visible("case")).values_list(
            "pk", "case_id", "changed_at", "added_at"
        )

    rows = compiled_list(
        user, Action.SUMMARY, ("attention listed",), build,
        per_user=False, among=list(here), location=location.pk,
    )  # fmt: skip
    return [(*row, here[row[1]]) for row in rows]


def entries(user: Professional, location: Location, page: str | int | None = 1) -> EntryPage:
    """A page of the pupils on the list now, as this user may see them: urgent cases first,
    then the latest changed. The list is ranked and counted from its entries' times and the
    columns read with the ids the user may see (a page number past the end shows the last
    page), and only the page's entries are read whole. Ranked in the database, every entry
    of the school was joined to its case, family, location and contact person to keep 50:
    2,490 buffers and 3.2 ms a page at region scale 1.0, and 0.7 ms more for the counts
    (issue 17)."""
    if not may_read(user, location):
        return EntryPage(1, 1, [], 0, 0, None)
    seen = last_visit(user, location)
    read_for_page(user, Action.SUMMARY, also=LISTED_COLUMNS)
    rows = _listed(user, location)
    fresh = sum(1 for _pk, _case, changed, added, _p in rows if seen and max(changed, added) > seen)
    # By priority, then the latest changed, then the latest entry (each sort keeps the order
    # of the one before where it ties).
    rows.sort(key=itemgetter(0), reverse=True)
    rows.sort(key=itemgetter(2), reverse=True)
    rows.sort(key=itemgetter(4))
    size = ENTRIES_PER_PAGE
    pages = max(1, -(-len(rows) // size))
    asked = str(page or "")
    number = min(max(int(asked) if asked.isascii() and asked.isdigit() else 1, 1), pages)
    shown = [row[0] for row in rows[(number - 1) * size : number * size]]

    def whole(uid: int, visible: Visible, location: int) -> QuerySet[AttentionEntry]:
        return named_contact(
            _on_the_list(location, visible("case")), "case__contact_person"
        ).select_related("case", "case__family", "case__contact_person")

    page_ids = set(shown)
    among = [row[1] for row in rows if row[0] in page_ids]
    read = compiled_list(
        user, Action.SUMMARY, ("attention entries",), whole,
        per_user=False, among=among, location=location.pk,
    )  # fmt: skip
    by_id = {entry.pk: entry for entry in read}
    found = [by_id[pk] for pk in shown if pk in by_id]
    for entry in found:  # the list's school (`Case.location` is not read again)
        Case.location.field.set_cached_value(entry.case, location)
    read_children([entry.case.family for entry in found])
    return EntryPage(number, pages, found, len(rows), fresh, seen)


def entry_for(user: Professional, entry_id: int) -> AttentionEntry | None:
    """One active entry the user keeps, or None (a 404 to the view)."""
    entry = (
        AttentionEntry.objects.filter(pk=entry_id, removed_at__isnull=True)
        .select_related("location", "case", "case__family", "case__contact_person")
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
    """Who changed what on the school's list, for the entries this user may see. The cases
    come from the page's read of the ids the user may see (`read_for_page`, on PostgreSQL),
    as on the list itself: the matrix's filter as a sub-query gathered an SWV specialist's
    cases of the whole region first, 13 ms of the page's database time at region scale 1.0."""
    if not may_read(user, location):
        return []
    read_for_page(user, Action.SUMMARY, also=("location",))
    read = rows_read_for_page(user, Action.SUMMARY, ("location",))
    if read is None:
        cases: Any = _visible_cases(user, location).values("pk")
    else:
        cases = ids_in([pk for pk, (at,) in read.items() if at == location.pk])
    return list(
        # The entry's school too (a change is recorded on its entry's list): with it PostgreSQL
        # reads the school's entries, not all 40,000 of the region (10 -> 5 ms at 1.0).
        AttentionChange.objects.filter(
            location=location, entry__location=location, entry__case__in=cases
        )
        .select_related("by", "entry__case", "entry__case__family")
        .prefetch_related(family_children("entry__case__family"))[:HISTORY_LENGTH]
    )


def last_visit(user: Professional, location: Location) -> datetime.datetime | None:
    """When the user last opened the school's list (SQL compiled once: built on every view
    it was 3 % of the list's CPU, issue 17)."""
    rows = fetch(
        ("last visit",), AttentionVisit.objects.db, _visit_read, location=location.pk, uid=user.pk
    )
    return rows[0][0] if rows else None


def _visit_read(location: int, uid: int) -> QuerySet[Any]:
    # One row at most (one visit per professional and school).
    return AttentionVisit.objects.filter(location=location, professional=uid).values_list(
        "seen_at"
    )[:1]


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
