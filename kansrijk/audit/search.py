"""One search of the access log by the privacy officer, shared by the page and the API; the
search itself is logged (Event.SEARCH), so the officer's own looks are accountable too."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from kansrijk.audit.models import Event
from kansrijk.audit.selectors import (
    BSN,
    MAX_MATCHES,
    Narrowing,
    NewestFirst,
    Subject,
    families_matching,
    subject_for,
)
from kansrijk.audit.services import log_access
from kansrijk.cases.models import Child, Family
from kansrijk.core.models import Professional

PURPOSE = "privacy supervision (NEN 7513)"


@dataclass
class Criteria:
    q: str = ""
    family_id: int | None = None
    child_id: int | None = None
    case_id: int | None = None
    user: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None

    def describe(self) -> str:
        parts = [
            f"{name}={value}" for name, value in (
                ("q", self.q), ("family", self.family_id), ("child", self.child_id),
                ("case", self.case_id), ("user", self.user), ("since", self.since),
                ("until", self.until),
            ) if value not in (None, "")
        ]  # fmt: skip
        return "access log search: " + " ".join(parts)


@dataclass
class SearchResult:
    subject: Subject | None = None
    families: list[Family] = field(default_factory=list)
    entries: NewestFirst | None = None
    not_found: bool = False


def _name_candidates(text: str) -> QuerySet[Any, Any]:
    """Ids of the families `families_matching` can find, each part read from one column: on
    PostgreSQL every part uses its trigram index (cases migration 0006), where the one OR over
    the join of families and children scans them all (issue 17)."""
    text = " ".join(text.split())
    if BSN.match(text):
        return Child.objects.filter(bsn=text).values("family_id")
    given, _space, family_name = text.partition(" ")
    parts = [
        Family.objects.filter(name__icontains=text).values("pk"),
        Child.objects.filter(given_name__icontains=text).values("family_id"),
        Child.objects.filter(family_name__icontains=text).values("family_id"),
    ]
    if family_name:
        parts.append(
            Child.objects.filter(
                given_name__icontains=given, family_name__icontains=family_name
            ).values("family_id")
        )
    first, *rest = (part.order_by() for part in parts)
    return first.union(*rest)


def search_access_log(*, by: Professional, criteria: Criteria) -> SearchResult:
    """Resolve the criteria to one family (or a list to choose from) and its entries."""
    result = SearchResult()
    direct = (criteria.family_id, criteria.child_id, criteria.case_id)
    if any(value is not None for value in direct):
        result.subject = subject_for(
            family_id=criteria.family_id, child_id=criteria.child_id, case_id=criteria.case_id
        )
        result.not_found = result.subject is None
    elif criteria.q:
        families = list(
            families_matching(criteria.q).filter(pk__in=_name_candidates(criteria.q))[:MAX_MATCHES]
        )
        if len(families) == 1:
            child = None
            if BSN.match(criteria.q):
                child = next(c for c in families[0].children.all() if c.bsn == criteria.q)
            result.subject = Subject(families[0], child)
        else:
            result.families = families
            result.not_found = not families
    if result.subject is not None:
        narrowing = Narrowing(since=criteria.since, until=criteria.until, user=criteria.user)
        result.entries = NewestFirst(result.subject, narrowing=narrowing)
    subject = result.subject
    matched = ",".join(str(f.pk) for f in result.families[:40])
    log_access(
        by=by, event=Event.SEARCH, purpose=PURPOSE,
        family_id=subject.family.pk if subject else None,
        child_id=subject.child.pk if subject and subject.child else None,
        case_id=criteria.case_id if subject else None,
        detail=criteria.describe() + (f" → families {matched}" if matched else ""),
    )  # fmt: skip
    return result
