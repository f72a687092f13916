"""The cases, families and children a list read names, found again: inzage and the privacy
officer's search see that a child was on someone's list, not only that a list was read.

A list entry keeps what it showed in its detail, after one of the words below
(`audit.paging.log_ids`: "cases 12,40", "api pupils offset=0 count=3 children=7,8,9",
"meeting 5 agenda: cases 12 (part 1/2)"); the detail is hash-chained, so the ids are
not kept a second time. On PostgreSQL the function `audit_listed(detail)` (migration 0010)
turns a detail into its tagged ids ({"cases:12", "cases:40"}) and a GIN index on it, over
the chained list entries (migration 0012: the chainer indexes them, not the request that
writes them), answers a search in milliseconds however long the log, with the unchained tail
matched by the same function; elsewhere the list entries that hold the ids as text are
matched in Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connections
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from kansrijk.audit.models import AccessLogEntry, Event

#: The words after which a list entry's detail names what it showed, and its ids.
KINDS = ("cases", "families", "children")
#: The ids after one of KINDS (a space or "=" between), as the SQL function reads them too.
LISTED = re.compile(rf"(^|[ :])({'|'.join(KINDS)})([ =])([0-9]+(?:,[0-9]+)*)")


def listing(
    *,
    cases: Iterable[int] = (),
    families: Iterable[int] = (),
    children: Iterable[int] = (),
    using: str = "default",
) -> list[Q]:
    """The list entries that name one of these cases, families or children: as the
    conditions each of its indexes answers (their OR is the condition), for a search that
    reads each through its index and joins the matches (audit.selectors.NewestFirst)."""
    given = {"cases": cases, "families": families, "children": children}
    wanted = {kind: sorted(set(ids)) for kind, ids in given.items()}
    if not any(wanted.values()):
        return [Q(pk__in=[])]
    if connections[using].vendor == "postgresql":
        tags = [f"{kind}:{pk}" for kind, ids in wanted.items() for pk in ids]
        table = connections[using].ops.quote_name(AccessLogEntry._meta.db_table)
        sql = f"audit_listed({table}.detail) && %s::text[]"  # the tags are a parameter

        def overlaps() -> RawSQL:
            return RawSQL(sql, (tags,), output_field=BooleanField())  # noqa: S611

        # The index holds the chained entries (migration 0012); the unchained tail, seconds
        # of the log, is read through its own partial index and matched by the same function.
        return [
            Q(event=Event.LIST, entry_hash__isnull=False) & Q(overlaps()),
            Q(event=Event.LIST, entry_hash__isnull=True) & Q(overlaps()),
        ]
    return [Q(event=Event.LIST, pk__in=_named_by_text(wanted, using))]


def _named_by_text(wanted: dict[str, list[int]], using: str) -> list[int]:
    """Elsewhere (SQLite, for development and tests): the list entries whose detail holds a
    kind and one of its ids as text, read with SQLite's own LIKE and matched here with
    LISTED. Django's `__regex` runs a Python function inside each row's SQL; a garbage
    collection inside it once hung a test run."""
    candidates = Q(pk__in=[])
    for kind, ids in wanted.items():
        for pk in ids:
            candidates |= Q(detail__contains=kind) & Q(detail__contains=str(pk))
    rows = AccessLogEntry.objects.using(using).filter(Q(event=Event.LIST) & candidates)
    sought = {kind: set(ids) for kind, ids in wanted.items()}
    return [
        pk
        for pk, detail in rows.values_list("pk", "detail").iterator()
        if any(
            not sought[match.group(2)].isdisjoint(int(i) for i in match.group(4).split(","))
            for match in LISTED.finditer(detail)
        )
    ]


def for_the_family(
    detail: str,
    *,
    cases: Iterable[int] = (),
    families: Iterable[int] = (),
    children: Iterable[int] = (),
) -> tuple[str, bool]:
    """A list entry's detail as the family may read it (inzage): the ids of others left
    out, theirs kept, and how many the list showed ("cases 12 (of 80 shown)"); and whether
    it named any of theirs. The ids are compared as the text `log_ids` writes them (a list
    of hundreds, in each of a family's tens of thousands of entries, is not read as numbers)."""
    own = {
        "cases": set(map(str, cases)),
        "families": set(map(str, families)),
        "children": set(map(str, children)),
    }
    named = False

    def shown(match: re.Match[str]) -> str:
        nonlocal named
        start, kind, separator, ids = match.groups()
        listed = ids.split(",")
        theirs = [pk for pk in listed if pk in own[kind]]
        named = named or bool(theirs)
        return f"{start}{kind}{separator}{','.join(theirs) or '—'} (of {len(listed)} shown)"

    return LISTED.sub(shown, detail), named
