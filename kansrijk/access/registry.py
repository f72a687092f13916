"""What the domain apps tell `access` at start-up, so that `access` imports none of them.

The matrix names relations (contact person, support team, referral recipient …); which rows
of which tables make such a relation is domain knowledge. Each domain app registers, in its
AppConfig.ready(), the query filter for the relations it holds (`cases`: contact person,
support team, signal author, referral recipient, same location; `safety`: emergency), the
model the filters apply to (the case), and `consent` registers the condition under which an
outside organisation may see a case at all. `access.policies` combines them; nothing else
decides who may see a case.

A relation answers as a `Reach`: the ids of the cases it can reach, read from the user's own
rows (their signals, their support-team seats, their location's cases …) through indexes,
and the sharing that must also hold on those cases (consent in force). The filter is then
"id in the union of the reaches, and one reach with its sharing holds": PostgreSQL starts
from the user's own rows and checks consent only on the cases found, so a list costs what
the user's relations cost, not what the region costs (issue 17).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from kansrijk.access.matrix import Relation

if TYPE_CHECKING:
    from kansrijk.core.models import Membership, Professional


@dataclass(frozen=True)
class Sharing:
    """Outside the case's own organisation, the family's consent for one of these purposes
    (or a recorded legal ground); `team_wide` also accepts consent given to the support team
    as a whole."""

    purposes: frozenset[str]
    team_wide: bool


@dataclass(frozen=True)
class Reach:
    """The cases one relation gives a membership: `cases` are queries of case ids, each
    `.values(<the case id field>)` over the user's own rows, without ordering, the field a
    foreign key that is never null (the compiled filter is their union as it is); `sharing`,
    when set, must hold as well (access.policies checks it once per membership and kind)."""

    cases: tuple[QuerySet[Any], ...]
    sharing: Sharing | None = None

    def __bool__(self) -> bool:
        """False for a relation that reaches nothing (no query to run)."""
        return bool(self.cases)

    def reaches(self, outer: str = "pk") -> Q:
        """The same as a correlated condition on the case `outer` names (one index probe
        per case: the object checks, and the check after the union)."""
        condition = Q(pk__in=[])
        for query in self.cases:
            (name,) = query.query.values_select
            condition |= Q(Exists(query.filter(**{name: OuterRef(outer)})))
        return condition


#: What `now()` answers while a filter is compiled for reuse (access.policies.filter_cases):
#: the moment is put in at each use, so a compiled filter never holds a stale time.
NOW_PLACEHOLDER = datetime.datetime(1900, 1, 1, 0, 0, 0, 424242, tzinfo=datetime.UTC)
_compiling: ContextVar[bool] = ContextVar("kansrijk_access_compiling", default=False)


def now() -> datetime.datetime:
    """The current moment, for a relation whose rows hold a time (an emergency grant's
    expiry). Relations read the time only through this, never `timezone.now()`: the filter
    they build is compiled once and reused for the rest of the day (the day is part of the
    key, so `timezone.localdate()` is fine)."""
    return NOW_PLACEHOLDER if _compiling.get() else timezone.now()


def is_compiling() -> bool:
    """Whether a filter is being built to be compiled once and reused (`compiling`)."""
    return _compiling.get()


@contextmanager
def compiling() -> Iterator[None]:
    token = _compiling.set(True)
    try:
        yield
    finally:
        _compiling.reset(token)


#: A fact about the user read with those of their memberships it concerns (whether they stand
#: in for an absent colleague in that role today): one query for all facts, and only for
#: users who hold such a membership. It decides the shape of a relation's query, not only
#: its rows, so access.policies puts the facts in the key of the filters it compiles once
#: and reuses, and a relation that reaches nothing answers an empty Reach, left out.
@dataclass(frozen=True)
class MembershipFact:
    name: str
    concerns: frozenset[str]  # the roles whose memberships carry it
    build: Callable[[Professional], Any]  # user -> an expression over Membership rows


_membership_facts: dict[str, MembershipFact] = {}


def register_membership_fact(fact: MembershipFact) -> None:
    _membership_facts[fact.name] = fact


def membership_facts() -> tuple[MembershipFact, ...]:
    return tuple(_membership_facts.values())


#: Builds "the cases the user has this relation to, through this membership".
RelationFilter = Callable[["Professional", "Membership"], Reach]
#: Builds the condition "the family agreed to share the case with this organisation for one
#: of these purposes (or a legal ground is recorded)"; `team_wide` also accepts consent given
#: to the support team as a whole. It is asked per case, through the indexes of the case's
#: family, so that it costs what the user's own cases cost.
SharingCondition = Callable[..., Q]  # (organisation_id, purposes, *, team_wide) -> Q

_relations: dict[Relation, RelationFilter] = {}
_case_model: list[type[Model]] = []
_sharing: list[SharingCondition] = []


def register_relation(relation: Relation, build: RelationFilter) -> None:
    if relation in _relations and _relations[relation] is not build:
        raise RuntimeError(f"Relation {relation} is registered twice.")
    _relations[relation] = build


def register_case_model(model: type[Model]) -> None:
    _case_model[:] = [model]


def register_sharing(condition: SharingCondition) -> None:
    _sharing[:] = [condition]


def relation_filter(relation: Relation) -> RelationFilter | None:
    return _relations.get(relation)


def case_model() -> Any:
    if not _case_model:
        raise RuntimeError("No case model registered with kansrijk.access (cases app missing?).")
    return _case_model[0]


def shared_with(membership: Membership, sharing: Sharing) -> Q:
    """Staff of the case's own organisation need no consent; anyone else needs consent in
    force (or a recorded legal ground), so a withdrawal hides the case at once."""
    own = Q(location__organisation=membership.organisation_id)
    if not _sharing:
        return own
    consented = _sharing[0](
        membership.organisation_id, sharing.purposes, team_wide=sharing.team_wide
    )
    return own | consented
