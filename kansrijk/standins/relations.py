"""The stand-in relation of the permission matrix, registered with `access` (which imports no
domain app): during an absence the stand-in works on the absent person's cases."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kansrijk.access.matrix import Relation
from kansrijk.access.registry import (
    MembershipFact,
    Reach,
    register_membership_fact,
    register_relation,
)

if TYPE_CHECKING:
    from kansrijk.core.models import Membership, Professional


def stand_in(user: Professional, membership: Membership) -> Reach:
    """The cases of the absent colleagues in the same role that the user covers today (as
    contact person or support-team member), with the consent the absent person's own access
    needed (the support team's sharing)."""
    from kansrijk.cases.models import Case, CaseMember
    from kansrijk.cases.relations import TEAM_SHARING
    from kansrijk.standins.selectors import covered_by, covering_roles

    if membership.role not in covering_roles(user):
        return Reach(())

    absent = covered_by(user, membership.role).values("professional")
    return Reach(
        (
            Case.objects.filter(contact_person__in=absent).values("pk").order_by(),
            CaseMember.objects.filter(role=membership.role, professional__in=absent)
            .values("case")
            .order_by(),
        ),
        TEAM_SHARING,
    )


def register() -> None:
    register_relation(Relation.STAND_IN, stand_in)
    from kansrijk.standins.selectors import COVERED_ROLES, STANDS_IN, stands_in_today

    register_membership_fact(MembershipFact(STANDS_IN, frozenset(COVERED_ROLES), stands_in_today))
