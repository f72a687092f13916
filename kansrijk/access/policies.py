"""The permission matrix as query filters: every list and every object check uses these.

A professional's memberships decide which (role, relation) pairs apply; each pair that
grants the action becomes one condition, and the conditions are OR-ed inside the query.
Object checks run the same filter on one row, so a page and its list never disagree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from kansrijk.access.matrix import MATRIX, Action, Relation
from kansrijk.access.registry import case_model, relation_filter
from kansrijk.access.roles import Role

if TYPE_CHECKING:
    from django.db.models import Model

    from kansrijk.core.models import Membership, Professional


def memberships_of(user: Professional) -> list[Membership]:
    """The user's memberships, read once per request."""
    cached: list[Membership] | None = getattr(user, "_kansrijk_memberships", None)
    if cached is None:
        cached = list(user.memberships.select_related("organisation", "location"))
        user._kansrijk_memberships = cached  # type: ignore[attr-defined]
    return cached


def roles_of(user: Professional) -> set[Role]:
    if not user.is_authenticated:
        return set()
    return {Role(m.role) for m in memberships_of(user)}


def _relation_condition(user: Professional, membership: Membership, relation: Relation) -> Q:
    build = relation_filter(relation)
    return build(user, membership) if build is not None else Q(pk__in=[])


def membership_condition(user: Professional, membership: Membership, action: Action) -> Q | None:
    """The cases on which this one membership grants the action, or None for none."""
    condition: Q | None = None
    for relation, actions in MATRIX.get(Role(membership.role), {}).items():
        if action in actions:
            part = _relation_condition(user, membership, relation)
            condition = part if condition is None else condition | part
    return condition


def case_condition(user: Professional, action: Action) -> Q:
    """All cases on which the user may take the action, as one filter."""
    condition = Q(pk__in=[])
    if not user.is_authenticated or not user.is_active:
        return condition
    for membership in memberships_of(user):
        part = membership_condition(user, membership, action)
        if part is not None:
            condition |= part
    return condition


def filter_cases(queryset: QuerySet[Any], user: Professional, action: Action) -> QuerySet[Any]:
    return queryset.filter(case_condition(user, action))


def granting_roles(user: Professional, case: Model | int, action: Action) -> set[Role]:
    """The roles through which the user may take the action on this case (one query)."""
    case_id = case if isinstance(case, int) else case.pk
    return granting_roles_per_case(user, [case_id], action).get(case_id, set())


def granting_roles_per_case(
    user: Professional, case_ids: list[int], action: Action
) -> dict[int, set[Role]]:
    """The same for many cases at once, in one query (an agenda, a list with buttons)."""
    annotations = {}
    for index, membership in enumerate(memberships_of(user)):
        condition = membership_condition(user, membership, action)
        if condition is not None:
            annotations[f"m{index}"] = ExpressionWrapper(condition, output_field=BooleanField())
    if not annotations or not user.is_active or not case_ids:
        return {}
    members = memberships_of(user)
    cases = case_model().objects.filter(pk__in=case_ids)
    rows = cases.annotate(**annotations).values("pk", *annotations)
    return {
        row["pk"]: {
            Role(members[int(key[1:])].role)
            for key, granted in row.items()
            if key != "pk" and granted
        }
        for row in rows
    }


def can(user: Professional, action: Action, case: Model | int) -> bool:
    return bool(granting_roles(user, case, action))
