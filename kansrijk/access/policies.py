"""The permission matrix as query filters: every list and every object check uses these.

A professional's memberships decide which (role, relation) pairs apply; each pair that
grants the action becomes one condition, and the conditions are OR-ed inside the query.
Object checks run the same filter on one row, so a page and its list never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from kansrijk.access.matrix import (
    CHAIR_ROLES,
    EMERGENCY_ROLES,
    MATRIX,
    SIGNALLING_ROLES,
    Action,
    Relation,
)
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


# --- named policies: the services and pages call these, nothing decides them twice ---------


#: Pupils a role may pick when filing a signal (issue 21: need-to-know for the picker).
PICK_OWN_GROUPS = frozenset({Role.TEACHER, Role.CHILDCARE_WORKER})
PICK_WHOLE_LOCATION = frozenset({Role.INTERNAL_COACH, Role.DIRECTOR})
PICK_BY_SEARCH = frozenset({Role.SCHOOL_NURSE})
PICK_THROUGH_CASES = frozenset({Role.FAMILY_SPECIALIST, Role.EDUCATION_SPECIALIST})


@dataclass(frozen=True)
class PupilPick:
    """Which pupils a professional may pick when filing a signal: a teacher their own
    groups, the IB and director their school, the nurse only by name and date of birth
    (never a list), the SWV specialist and family specialist only pupils of families whose
    file they already read (through cases)."""

    groups: frozenset[tuple[int, str]] = frozenset()  # (location id, group name), listed
    locations: frozenset[int] = frozenset()  # whole locations, listed
    search_locations: frozenset[int] = frozenset()  # found by name + date of birth only
    through_cases: bool = False


def pupil_pick(user: Professional) -> PupilPick:
    groups: set[tuple[int, str]] = set()
    locations: set[int] = set()
    search: set[int] = set()
    through_cases = False
    for m in memberships_of(user):
        role = Role(m.role)
        if role not in SIGNALLING_ROLES:
            continue
        if role in PICK_THROUGH_CASES:
            through_cases = True
        elif m.location_id is None:
            continue
        elif role in PICK_WHOLE_LOCATION:
            locations.add(m.location_id)
        elif role in PICK_BY_SEARCH:
            search.add(m.location_id)
        elif role in PICK_OWN_GROUPS:
            groups.update((m.location_id, name) for name in m.groups.values_list("name", flat=True))
    return PupilPick(frozenset(groups), frozenset(locations), frozenset(search), through_cases)


def may_chair(user: Professional, *, care_meeting: bool = False) -> bool:
    """Who sets up and chairs a meeting series: the coordinator the weekly care meeting, the
    coordinator or an IB a school's support-team meeting (seed 000, seed 001)."""
    roles = roles_of(user)
    if care_meeting:
        return Role.COORDINATOR in roles
    return bool(roles & CHAIR_ROLES)


#: Roles that never own an action on a child's plan: they see no case files.
NO_CASE_ROLES = frozenset(role for role, grants in MATRIX.items() if not grants)


def action_owner_condition(case: Model) -> Q:
    """Who may own an action of this case's plan, as a filter on professionals: active
    colleagues at the case's child centre whose role works on case files, and the network
    workers already on the case (contact person, support team). A policy officer, an
    administrator or a stranger never becomes owner (and so is never mailed the goal)."""
    working_roles = [role.value for role in Role if role not in NO_CASE_ROLES]
    at_centre = Q(
        memberships__location=case.location_id,  # type: ignore[attr-defined]
        memberships__role__in=working_roles,
    )
    on_case = Q(pk=case.contact_person_id) | Q(  # type: ignore[attr-defined]
        case_memberships__case=case.pk
    )
    return Q(is_active=True) & (at_centre | on_case)


def may_own_action(person: Professional, case: Model) -> bool:
    from django.contrib.auth import get_user_model

    model = get_user_model()
    return model.objects.filter(action_owner_condition(case), pk=person.pk).exists()


#: Roles that export inzage for any family (an explicit rule outside the case matrix, logged
#: as such); everyone else exports what the matrix grants EXPORT: the family's contact person.
INZAGE_OFFICER_ROLES = frozenset({Role.PRIVACY_OFFICER})


def emergency_locations(user: Professional) -> frozenset[int]:
    """Where the user can have an emergency with a child: the locations where they hold a
    role that may break the glass."""
    return frozenset(
        m.location_id
        for m in memberships_of(user)
        if Role(m.role) in EMERGENCY_ROLES and m.location_id is not None
    )


def location_wide_locations(user: Professional) -> frozenset[int]:
    """The locations whose cases the user sees in summary for the whole location (the IB,
    the director, the coordinator): there they see every child of a case at that location.
    Anyone else sees, in summary, only the child they signalled, not the family."""
    return frozenset(
        m.location_id
        for m in memberships_of(user)
        if m.location_id is not None
        and Action.SUMMARY in MATRIX.get(Role(m.role), {}).get(Relation.SAME_LOCATION, ())
    )


#: Warm handover (issue 12): who prepares one for a child of their own groups or school (the
#: childcare mentor, a teacher, the IB), and who receives one at their school (the IB and the
#: director, and the receiving teacher named on it).
HANDOVER_SENDING_ROLES = frozenset({Role.CHILDCARE_WORKER, Role.TEACHER, Role.INTERNAL_COACH})
HANDOVER_RECEIVING_ROLES = frozenset({Role.INTERNAL_COACH, Role.DIRECTOR})


@dataclass(frozen=True)
class HandoverSides:
    """Where the user works on warm handovers: `sending` locations whose handovers they see
    whole (the IB of the sending school; a mentor sees the ones they prepared), `receiving`
    locations whose incoming handovers they open, the content only with the parents' consent."""

    prepares: bool
    sending: frozenset[int]
    receiving: frozenset[int]


def handover_sides(user: Professional) -> HandoverSides:
    members = memberships_of(user)
    return HandoverSides(
        prepares=any(Role(m.role) in HANDOVER_SENDING_ROLES for m in members),
        sending=frozenset(
            m.location_id
            for m in members
            if m.role == Role.INTERNAL_COACH and m.location_id is not None
        ),
        receiving=frozenset(
            m.location_id
            for m in members
            if Role(m.role) in HANDOVER_RECEIVING_ROLES and m.location_id is not None
        ),
    )


def handover_content_shown(*, sending_side: bool, consent_given: bool) -> bool:
    """The receiving school reads what the mentor wrote only when the parents consented."""
    return sending_side or consent_given


#: Integrated arrangements in special education (issue 16, seed 002 line 3): the special
#: school's IB and director see and keep every arrangement of their school, a teacher those of
#: the pupils of their own groups; the youth-care provider's workers those their organisation
#: provides the care in (with the parents' consent for the joint team, checked by the app);
#: the named coordinator theirs. Nobody else.
ARRANGEMENT_SCHOOL_ROLES = frozenset({Role.INTERNAL_COACH, Role.DIRECTOR})
ARRANGEMENT_TEACHER_ROLES = frozenset({Role.TEACHER})
ARRANGEMENT_PROVIDER_ROLES = frozenset({Role.CARE_PROVIDER})
ARRANGEMENT_ROLES = (
    ARRANGEMENT_SCHOOL_ROLES | ARRANGEMENT_TEACHER_ROLES | ARRANGEMENT_PROVIDER_ROLES
)


@dataclass(frozen=True)
class ArrangementSides:
    """Where the user works on integrated arrangements; the app turns this into its filter."""

    schools: frozenset[int]  # special-school locations, whole (IB, director): they keep them
    groups: frozenset[tuple[int, str]]  # (location, group name) a teacher teaches
    providers: frozenset[int]  # youth-care organisations the user works for

    @property
    def any(self) -> bool:
        return bool(self.schools or self.groups or self.providers)


def arrangement_sides(user: Professional) -> ArrangementSides:
    schools: set[int] = set()
    groups: set[tuple[int, str]] = set()
    providers: set[int] = set()
    if not user.is_authenticated or not user.is_active:
        return ArrangementSides(frozenset(), frozenset(), frozenset())
    for m in memberships_of(user):
        role = Role(m.role)
        if role in ARRANGEMENT_PROVIDER_ROLES:
            providers.add(m.organisation_id)
        elif m.location is None or m.location.kind != "special_school":
            continue
        elif role in ARRANGEMENT_SCHOOL_ROLES:
            schools.add(m.location_id)
        elif role in ARRANGEMENT_TEACHER_ROLES:
            groups.update((m.location_id, name) for name in m.groups.values_list("name", flat=True))
    return ArrangementSides(frozenset(schools), frozenset(groups), frozenset(providers))
