"""The permission matrix as query filters: every list and every object check uses these.

A professional's memberships decide which (role, relation) pairs apply; each pair that
grants the action becomes one condition, and the conditions are OR-ed inside the query.
Object checks run the same filter on one row, so a page and its list never disagree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from kansrijk.access.matrix import MATRIX, Action, Relation
from kansrijk.access.roles import Role
from kansrijk.consent.models import Purpose

if TYPE_CHECKING:
    from kansrijk.cases.models import Case
    from kansrijk.core.models import Membership, Professional


def memberships_of(user: Professional) -> list[Membership]:
    """The user's memberships, read once per request."""
    cached: list[Membership] | None = getattr(user, "_kansrijk_memberships", None)
    if cached is None:
        cached = list(user.memberships.select_related("organisation", "location"))
        user._kansrijk_memberships = cached  # type: ignore[attr-defined]
    return cached


def roles_of(user: Professional) -> set[Role]:
    return {Role(m.role) for m in memberships_of(user)}


#: Consent purposes that let an outside organisation see a case through the support team.
TEAM_PURPOSES = frozenset(
    {Purpose.DISCUSS_IN_VOT, Purpose.SHARE_WITH_DISTRICT_TEAM, Purpose.REFERRAL}
)
#: Consent purposes that let an organisation see a case referred to it.
REFERRAL_PURPOSES = frozenset({Purpose.REFERRAL, Purpose.SHARE_WITH_DISTRICT_TEAM})


def _shared_with(membership: Membership, purposes: frozenset[Purpose], *, team_wide: bool) -> Q:
    """Staff of the case's own organisation need no consent; anyone else needs consent in
    force (or a recorded legal ground), so a withdrawal hides the case at once."""
    from kansrijk.consent.selectors import sharing_condition

    own = Q(location__organisation=membership.organisation_id)
    return own | sharing_condition(membership.organisation_id, purposes, team_wide=team_wide)


def _relation_condition(user: Professional, membership: Membership, relation: Relation) -> Q:
    from kansrijk.cases.models import CaseMember, Referral, Signal

    if relation == Relation.CONTACT_PERSON:
        return Q(contact_person=user) & _shared_with(membership, TEAM_PURPOSES, team_wide=True)
    if relation == Relation.SUPPORT_TEAM:
        team = CaseMember.objects.filter(
            case=OuterRef("pk"), professional=user, role=membership.role
        )
        return Q(Exists(team)) & _shared_with(membership, TEAM_PURPOSES, team_wide=True)
    if relation == Relation.SIGNAL_AUTHOR:
        return Q(Exists(Signal.objects.filter(case=OuterRef("pk"), author=user)))
    if relation == Relation.REFERRAL_RECIPIENT:
        referred = Referral.objects.filter(
            case=OuterRef("pk"), organisation=membership.organisation_id
        )
        return Q(Exists(referred)) & _shared_with(membership, REFERRAL_PURPOSES, team_wide=False)
    if relation == Relation.SAME_LOCATION:
        if membership.location_id is not None:
            return Q(location=membership.location_id)
        return Q(location__organisation=membership.organisation_id)
    if relation == Relation.EMERGENCY:
        from django.utils import timezone

        from kansrijk.safety.models import EmergencyAccess

        granted = EmergencyAccess.objects.filter(
            case=OuterRef("pk"), user=user, expires_at__gt=timezone.now()
        )
        return Q(Exists(granted))
    return Q(pk__in=[])


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


def filter_cases(queryset: QuerySet[Case], user: Professional, action: Action) -> QuerySet[Case]:
    return queryset.filter(case_condition(user, action))


def granting_roles(user: Professional, case: Case | int, action: Action) -> set[Role]:
    """The roles through which the user may take the action on this case (one query)."""
    case_id = case if isinstance(case, int) else case.pk
    return granting_roles_per_case(user, [case_id], action).get(case_id, set())


def granting_roles_per_case(
    user: Professional, case_ids: list[int], action: Action
) -> dict[int, set[Role]]:
    """The same for many cases at once, in one query (an agenda, a list with buttons)."""
    from kansrijk.cases.models import Case

    annotations = {}
    for index, membership in enumerate(memberships_of(user)):
        condition = membership_condition(user, membership, action)
        if condition is not None:
            annotations[f"m{index}"] = ExpressionWrapper(condition, output_field=BooleanField())
    if not annotations or not user.is_active or not case_ids:
        return {}
    members = memberships_of(user)
    rows = Case.objects.filter(pk__in=case_ids).annotate(**annotations).values("pk", *annotations)
    return {
        row["pk"]: {
            Role(members[int(key[1:])].role)
            for key, granted in row.items()
            if key != "pk" and granted
        }
        for row in rows
    }


def can(user: Professional, action: Action, case: Case | int) -> bool:
    return bool(granting_roles(user, case, action))
