"""The only code that reads lists of case data; every query is filtered by the matrix."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Case as Case_
from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery, Value, When
from django.utils import timezone

from kansrijk.access.matrix import ATTENTION_LIST_ROLES, SIGNALLING_ROLES, Action
from kansrijk.access.policies import filter_cases, granting_roles_per_case, memberships_of
from kansrijk.access.roles import Role
from kansrijk.cases.errors import NotFound
from kansrijk.cases.models import Case, Child, PlanAction, PlanVersion, Signal
from kansrijk.cases.workflow import (
    ATTENTION_LIST_STATES,
    OPEN_STATES,
    CaseState,
    Transition,
    transitions_from,
)
from kansrijk.core.models import Location

if TYPE_CHECKING:
    from kansrijk.core.models import Professional


def stalled_before() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=settings.KANSRIJK_STALLED_AFTER_DAYS)


def _with_list_data(queryset: QuerySet[Case]) -> QuerySet[Case]:
    children = Prefetch("family__children", queryset=Child.objects.order_by("date_of_birth"))
    return queryset.select_related("family", "location", "contact_person").prefetch_related(
        children
    )


def cases_visible_to(
    user: Professional,
    *,
    action: Action = Action.EXISTS,
    states: frozenset[str] | None = None,
    location: Location | None = None,
) -> QuerySet[Case]:
    """Cases the user may see, stalled first among equal priority, newest step last."""
    queryset = filter_cases(Case.objects.all(), user, action)
    if states is not None:
        queryset = queryset.filter(state__in=states)
    if location is not None:
        queryset = queryset.filter(location=location)
    return _with_list_data(queryset).order_by("priority", "last_step_at", "id")


def case_for(user: Professional, case_id: int, action: Action = Action.SUMMARY) -> Case:
    """One case, or NotFound when it does not exist or the user may not take the action."""
    case = (
        filter_cases(Case.objects.filter(pk=case_id), user, action)
        .select_related("family", "location", "contact_person")
        .first()
    )
    if case is None:
        raise NotFound
    return case


def _safety_first(prefix: str = "") -> Case_:
    """0 for a P1 (safety) case, 1 otherwise: P1 stands on top of every list."""
    return Case_(
        When(**{f"{prefix}priority": Case.Priority.SAFETY}, then=Value(0)), default=Value(1)
    )


def open_cases_for_coordinator(user: Professional) -> QuerySet[Case]:
    """All open cases of the user's centres: P1 (safety) first, then the stalled ones (no
    step for N days) on top."""
    return cases_visible_to(user, states=OPEN_STATES).order_by(
        _safety_first(), "last_step_at", "priority", "id"
    )


def signals_by(user: Professional) -> QuerySet[Signal]:
    """The user's own signals, with the state of the case each one opened or joined; those
    on a P1 (safety) case first."""
    return (
        Signal.objects.filter(author=user)
        .select_related("child", "case", "case__contact_person")
        .order_by(_safety_first("case__"), "-created_at", "-id")
    )


def actions_owned_by(user: Professional, *, open_only: bool = True) -> QuerySet[PlanAction]:
    """Plan actions assigned to the user in the current plan version of each case."""
    current_number = (
        PlanVersion.objects.filter(case=OuterRef("plan__case"))
        .order_by("-number")
        .values("number")[:1]
    )
    queryset = PlanAction.objects.filter(owner=user, plan__number=Subquery(current_number))
    if open_only:
        queryset = queryset.filter(done=False, plan__case__state__in=OPEN_STATES)
    return queryset.select_related("plan", "plan__case").order_by("due_date", "id")


def pupils_for_signal(user: Professional) -> QuerySet[Child]:
    """Pupils the user may signal about: those of the locations where they signal."""
    locations = [
        m.location_id
        for m in memberships_of(user)
        if m.role in SIGNALLING_ROLES and m.location_id is not None
    ]
    return (
        Child.objects.filter(location__in=locations, left_on__isnull=True)
        .select_related("location")
        .order_by("group", "family_name", "given_name")
    )


def attention_list_locations(user: Professional) -> list[Location]:
    ids = {
        m.location_id
        for m in memberships_of(user)
        if m.role in ATTENTION_LIST_ROLES and m.location_id is not None
    }
    return list(Location.objects.filter(pk__in=ids).order_by("name"))


def attention_list(user: Professional, location: Location) -> QuerySet[Case]:
    """Seed 001: the pupils that need extra attention at one school, as the user may see them."""
    return cases_visible_to(
        user, action=Action.SUMMARY, states=ATTENTION_LIST_STATES, location=location
    )


def state_counts(user: Professional) -> dict[str, int]:
    rows = (
        filter_cases(Case.objects.all(), user, Action.EXISTS)
        .values("state")
        .annotate(n=Count("id"))
    )
    counts = {row["state"]: row["n"] for row in rows}
    return {state.value: counts.get(state.value, 0) for state in CaseState}


def caseload(user: Professional) -> QuerySet[Case]:
    """A family specialist's or other worker's open cases where they are contact person."""
    return _with_list_data(
        Case.objects.filter(contact_person=user, state__in=OPEN_STATES)
    ).order_by("priority", "last_step_at")


def primary_role(user: Professional) -> Role | None:
    order = [
        Role.COORDINATOR,
        Role.INTERNAL_COACH,
        Role.FAMILY_SPECIALIST,
        Role.EDUCATION_SPECIALIST,
        Role.DIRECTOR,
        Role.TEACHER,
    ]
    roles = {Role(m.role) for m in memberships_of(user)}
    for role in order:
        if role in roles:
            return role
    return next(iter(sorted(roles)), None)


def allowed_transitions(user: Professional, case: Case) -> list[Transition]:
    """The route steps this user may take on this case now: the case page's buttons."""
    return allowed_transitions_per_case(user, [case])[case.pk]


def allowed_transitions_per_case(
    user: Professional, cases: list[Case]
) -> dict[int, list[Transition]]:
    """The same for many cases in one query (a meeting's agenda)."""
    roles = granting_roles_per_case(user, [c.pk for c in cases], Action.TRANSITION)
    return {
        c.pk: [t for t in transitions_from(c.state) if roles.get(c.pk, set()) & t.roles]
        for c in cases
    }


# --- the case file: callers pass a case they got from case_for(user, id, action) ------------


def plan_versions(case: Case) -> QuerySet[PlanVersion]:
    """Every version of the case's plan, newest first, with goals and actions (4 queries)."""
    actions = Prefetch("actions", queryset=PlanAction.objects.select_related("owner"))
    return (
        case.plans.select_related("created_by")
        .prefetch_related("goals", actions)
        .order_by("-number")
    )


def case_journal(case: Case) -> dict[str, QuerySet]:
    """The full file's lists (Action.FULL): steps, notes, family contacts, guardians."""
    return {
        "steps": case.steps.select_related("by").order_by("at", "id"),
        "notes": case.notes.select_related("author").order_by("-created_at", "-id"),
        "family_contacts": case.family_contacts.select_related("by").order_by(
            "-happened_at", "-id"
        ),
        "guardians": case.family.guardians.order_by("id"),
    }
