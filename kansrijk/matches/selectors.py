"""The only code that reads the match register: for the case page, the family specialist's
district-team check, a partner system's list of matches, and the family's own view."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from kansrijk.access.policies import INVOLVEMENT_ROLES, memberships_of
from kansrijk.compiled import compiled
from kansrijk.core.models import Organisation, Professional
from kansrijk.matches.keys import child_key
from kansrijk.matches.models import Involvement, Match


@dataclass(frozen=True)
class Known:
    """One other organisation's active involvement, as the case page shows it."""

    organisation: str
    kind: str
    contact: str
    since: datetime.date


def _keys(children: Iterable[object]) -> list[str]:
    return [child_key(bsn) for bsn in {getattr(c, "bsn", None) for c in children} if bsn]


def others_involved(
    children: Iterable[object], *, case_id: int | None, district_team_only: bool = False
) -> list[Known]:
    """The active involvements of other organisations with these children (not the case's
    own registration), oldest first: one query."""
    keys = _keys(children)
    if not keys:
        return []
    rows = (
        Involvement.objects.filter(child_key__in=keys, ended_on__isnull=True)
        .exclude(case_id=case_id)
        .select_related("organisation", "contact")
        .order_by("started_on", "pk")
    )
    if district_team_only:
        rows = rows.filter(organisation__kind=Organisation.Kind.DISTRICT_TEAM)
    return [
        Known(
            organisation=row.organisation.name,
            kind=row.organisation.kind,
            contact=row.contact_label,
            since=row.started_on,
        )
        for row in rows
    ]


#: The stand-in for the child's key in the compiled lookup (a real key is 64 hex digits).
_KEY_STAND_IN = "stand-in for a child key"


def active_involvements(key: str, using: str = "default") -> list[Involvement]:
    """Every organisation's active involvement with the child of this key, with the
    organisation and the contact, oldest first: the match lookup of every registration, one
    indexed query with SQL compiled once per process (kansrijk.compiled)."""
    plan = compiled(
        ("active-involvements",),
        using,
        lambda key: (
            Involvement.objects.using(using)
            .filter(child_key=key, ended_on__isnull=True)
            .select_related("organisation", "contact")
            .order_by("pk")
        ),
        key=_KEY_STAND_IN,
    )
    return plan.fetch(using, key=key)


def acting_organisations(user: Professional) -> set[int]:
    return {m.organisation_id for m in memberships_of(user) if m.role in INVOLVEMENT_ROLES}


def matches_of(user: Professional) -> QuerySet[Match]:
    """The matches of the user's organisation(s), newest first."""
    organisations = acting_organisations(user)
    return (
        Match.objects.filter(
            Q(first__organisation_id__in=organisations)
            | Q(second__organisation_id__in=organisations)
        )
        .select_related(
            "first__organisation", "second__organisation", "first__contact", "second__contact"
        )
        .order_by("-created_at", "-pk")
    )


def involvements_of(user: Professional) -> QuerySet[Involvement]:
    """The registrations of the user's organisation(s), active first."""
    return Involvement.objects.filter(organisation_id__in=acting_organisations(user)).order_by(
        "-started_on", "-pk"
    )


@dataclass(frozen=True)
class Registration:
    """What a parent sees: which organisation registered involvement, from when to when."""

    child: str
    organisation: str
    started_on: datetime.date
    ended_on: datetime.date | None


def family_registrations(children: Iterable[object]) -> list[Registration]:
    """Every registration (active and ended, until removed) with the family's children."""
    by_key = {child_key(c.bsn): c for c in children if getattr(c, "bsn", None)}  # type: ignore[attr-defined]
    if not by_key:
        return []
    rows = (
        Involvement.objects.filter(child_key__in=by_key)
        .select_related("organisation")
        .order_by("started_on", "pk")
    )
    return [
        Registration(
            child=getattr(by_key[row.child_key], "given_name", ""),
            organisation=row.organisation.name,
            started_on=row.started_on,
            ended_on=row.ended_on,
        )
        for row in rows
    ]
