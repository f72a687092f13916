"""What the domain apps tell `access` at start-up, so that `access` imports none of them.

The matrix names relations (contact person, support team, referral recipient …); which rows
of which tables make such a relation is domain knowledge. Each domain app registers, in its
AppConfig.ready(), the query filter for the relations it holds (`cases`: contact person,
support team, signal author, referral recipient, same location; `safety`: emergency), the
model the filters apply to (the case), and `consent` registers the condition under which an
outside organisation may see a case at all. `access.policies` combines them; nothing else
decides who may see a case.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db.models import Model, Q

from kansrijk.access.matrix import Relation

if TYPE_CHECKING:
    from kansrijk.core.models import Membership, Professional

#: Builds the condition "the user has this relation to the case, through this membership"
#: as a filter on the case model (Exists sub-queries that use indexes).
RelationFilter = Callable[["Professional", "Membership"], Q]
#: Builds the condition "the family agreed to share the case with this organisation for one
#: of these purposes (or a legal ground is recorded)"; `team_wide` also accepts consent given
#: to the support team as a whole.
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


def shared_with(membership: Membership, purposes: frozenset[str], *, team_wide: bool) -> Q:
    """Staff of the case's own organisation need no consent; anyone else needs consent in
    force (or a recorded legal ground), so a withdrawal hides the case at once."""
    own = Q(location__organisation=membership.organisation_id)
    if not _sharing:
        return own
    return own | _sharing[0](membership.organisation_id, purposes, team_wide=team_wide)
