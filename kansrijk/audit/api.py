"""The access log for the privacy officer over the API (mounted by kansrijk.api)."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema

from kansrijk.audit.models import AccessLogEntry
from kansrijk.audit.search import Criteria, search_access_log
from kansrijk.audit.selectors import is_privacy_officer
from kansrijk.cases.errors import NotFound
from kansrijk.cases.models import Family
from kansrijk.core.models import Professional

router = Router(tags=["access log"])


class EntryOut(Schema):
    id: int
    at: datetime.datetime
    event: str
    user_id: int | None
    username: str
    role: str
    organisation: str
    purpose: str
    source_address: str | None
    case_id: int | None
    family_id: int | None
    child_id: int | None
    detail: str


class AuditChildOut(Schema):
    id: int
    name: str


class FamilyOut(Schema):
    id: int
    name: str
    children: list[AuditChildOut]


class SearchOut(Schema):
    family: FamilyOut | None
    child: AuditChildOut | None
    matches: list[FamilyOut]
    total: int
    entries: list[EntryOut]


class SearchIn(Schema):
    q: str = ""
    family: int | None = None
    child: int | None = None
    case: int | None = None
    user: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None
    limit: int = 100
    offset: int = 0


def _family(family: Family) -> FamilyOut:
    return FamilyOut(
        id=family.pk, name=family.name,
        children=[AuditChildOut(id=c.pk, name=str(c)) for c in family.children.all()],
    )  # fmt: skip


@router.get("/entries", response=SearchOut)
def entries(request: HttpRequest, filters: Query[SearchIn]) -> SearchOut:
    """Who opened this child's or family's file: search by BSN, name, family or case."""
    user: Professional = request.user  # type: ignore[assignment]
    if not is_privacy_officer(user):
        raise NotFound
    limit = min(max(filters.limit, 1), 1000)
    offset = max(filters.offset, 0)
    result = search_access_log(
        by=user,
        criteria=Criteria(
            q=" ".join(filters.q.replace("\x00", "").split())[:200], family_id=filters.family,
            child_id=filters.child, case_id=filters.case, user=filters.user[:150],
            since=filters.since, until=filters.until,
        ),
    )  # fmt: skip
    rows: list[AccessLogEntry] = []
    total = 0
    if result.entries is not None:
        total = result.entries.count()
        rows = result.entries[offset : offset + limit]
    subject = result.subject
    return SearchOut(
        family=_family(subject.family) if subject else None,
        child=AuditChildOut(id=subject.child.pk, name=str(subject.child))
        if subject and subject.child else None,
        matches=[_family(f) for f in result.families],
        total=total,
        entries=[EntryOut.from_orm(e) for e in rows],
    )  # fmt: skip
