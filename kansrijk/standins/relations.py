"""The stand-in relation of the permission matrix, registered with `access` (which imports no
domain app): during an absence the stand-in works on the absent person's cases."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from kansrijk.access.matrix import Relation
from kansrijk.access.registry import register_relation, shared_with

if TYPE_CHECKING:
    from kansrijk.core.models import Membership, Professional


def stand_in(user: Professional, membership: Membership) -> Q:
    """The cases of the absent colleagues in the same role that the user covers today, with
    the consent the absent person's own access needed (the support team's purposes)."""
    from kansrijk.cases.relations import TEAM_PURPOSES
    from kansrijk.standins.selectors import stand_in_condition

    return stand_in_condition(user, membership.role) & shared_with(
        membership, TEAM_PURPOSES, team_wide=True
    )


def register() -> None:
    register_relation(Relation.STAND_IN, stand_in)
