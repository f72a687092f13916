"""Who stands in for whom today: an absence of more than a day of a family specialist or an
SWV specialist is covered by the coordinator's choice (StandIn) or, without one, by the
stand-ins of the roster rules the absent person fills (the roster's back-ups)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connections
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from kansrijk.access.matrix import Action
from kansrijk.access.policies import filter_cases, memberships_of
from kansrijk.access.roles import Role
from kansrijk.cases.models import Case, CaseMember, PlanAction, PlanVersion
from kansrijk.compiled import compiled
from kansrijk.core.models import Membership, Professional
from kansrijk.roster.models import Absence, RosterRule
from kansrijk.standins.models import StandIn

if TYPE_CHECKING:
    from collections.abc import Iterable

#: The roles whose cases and actions pass to a stand-in during an absence (issue 14).
COVERED_ROLES = frozenset({Role.FAMILY_SPECIALIST, Role.EDUCATION_SPECIALIST})
#: How far ahead the coordinator's page looks, and how many absences it lists at most.
HORIZON_DAYS = 28
PAGE_LIMIT = 100
#: Cases listed on a stand-in's my-work at most.
CASES_LIMIT = 50


def long_absences(day: datetime.date, *, ahead: int = 0) -> QuerySet[Absence]:
    """Absences of more than one day of a covered role, in force on `day` (or starting within
    `ahead` days); swaps are no absence from the work."""
    covered = Membership.objects.filter(
        professional=OuterRef("professional"), role__in=COVERED_ROLES
    )
    return (
        Absence.objects.filter(
            start__lte=day + datetime.timedelta(days=ahead), end__gte=day, end__gt=F("start")
        )
        .exclude(kind=Absence.Kind.SWAP)
        .filter(Exists(covered))
    )


def _rule_backs_up(user: Professional, role: str | OuterRef) -> QuerySet[RosterRule]:
    """Active roster rules on which `user` is a stand-in, for the absent person's function or
    naming the absent person."""
    return RosterRule.objects.filter(active=True, stand_ins=user.pk).filter(
        Q(function=role) | Q(people=OuterRef("professional"))
    )


def covered_by(
    user: Professional, role: str | OuterRef, day: datetime.date | None = None
) -> QuerySet[Absence]:
    """The absences (of people in `role`) that `user` covers on `day`, as one sub-query:
    the relation filter embeds it, so it costs the request no query of its own. `role` may
    be OuterRef("role") of a membership (`stands_in_today`)."""
    day = day or timezone.localdate()
    chosen = StandIn.objects.filter(absence=OuterRef("pk"))
    rule_role = OuterRef(role) if isinstance(role, OuterRef) else role  # one level deeper
    return (
        long_absences(day)
        .filter(professional__memberships__role=role)
        .exclude(professional=user)
        .filter(
            Exists(chosen.filter(stand_in=user))
            | (~Exists(chosen) & Exists(_rule_backs_up(user, rule_role)))
        )
    )


#: The membership fact (access.registry) that says the user covers an absent colleague in the
#: membership's role today, read with the memberships.
STANDS_IN = "stands_in_today"


def stands_in_today(user: Professional) -> Exists:
    return Exists(covered_by(user, OuterRef("role")))


def covering_roles(user: Professional) -> frozenset[str]:
    """The roles in which the user stands in for an absent colleague today: from the facts
    read with their memberships (no query of its own); without any, the stand-in relation
    reaches nothing and its large query stays out of the user's filters (issue 17: it was
    most of their planning time)."""
    roles = set()
    for membership in memberships_of(user):
        if membership.role not in COVERED_ROLES:
            continue
        covers = getattr(membership, STANDS_IN, None)
        if covers is None:  # a membership read elsewhere
            covers = covered_by(user, membership.role).exists()
        if covers:
            roles.add(membership.role)
    return frozenset(roles)


def stand_in_condition(user: Professional, role: str) -> Q:
    """The cases the absent people that `user` covers hold: as contact person or as a
    support-team member in that role."""
    absent = covered_by(user, role).values("professional")
    team = CaseMember.objects.filter(case=OuterRef("pk"), role=role, professional__in=absent)
    return Q(contact_person__in=absent) | Q(Exists(team))


@dataclass(frozen=True)
class Cover:
    """An absence as the pages show it: who, until when, and who stands in."""

    absence: Absence
    stand_ins: tuple[Professional, ...]
    chosen: bool  # set by the coordinator (else from the roster rules)

    @property
    def absent(self) -> Professional:
        return self.absence.professional


def covers(absences: Iterable[Absence]) -> list[Cover]:
    """The stand-ins of each absence, in three queries however many absences."""
    absences = list(absences)
    if not absences:
        return []
    people = {a.professional_id for a in absences}
    roles: dict[int, set[str]] = {}
    for pid, role in Membership.objects.filter(
        professional__in=people, role__in=COVERED_ROLES
    ).values_list("professional", "role"):
        roles.setdefault(pid, set()).add(role)
    chosen = {
        s.absence_id: s.stand_in
        for s in StandIn.objects.filter(absence__in=absences).select_related("stand_in")
    }
    rules = list(
        RosterRule.objects.filter(active=True, stand_ins__isnull=False)
        .distinct()
        .prefetch_related("people", "stand_ins")
    )
    result = []
    for absence in absences:
        if absence.pk in chosen:
            result.append(Cover(absence, (chosen[absence.pk],), chosen=True))
            continue
        mine = roles.get(absence.professional_id, set())
        found: dict[int, Professional] = {}
        for rule in rules:
            named = {p.pk for p in rule.people.all()}
            if rule.function in mine or absence.professional_id in named:
                found.update((p.pk, p) for p in rule.stand_ins.all())
        found.pop(absence.professional_id, None)
        result.append(Cover(absence, tuple(found.values()), chosen=False))
    return result


def covers_on_case(case: Case, day: datetime.date | None = None) -> list[Cover]:
    """The case's people who are away now: the contact person, the support team's covered
    roles and the owners of open actions of the current plan."""
    day = day or timezone.localdate()
    using = Absence.objects.db
    if connections[using].vendor != "postgresql":  # SQLite writes a date as text
        return covers(_absences_on_case(case.pk, case.contact_person_id, day))
    # With SQL compiled once per process (kansrijk.compiled): every case page asks.
    plan = compiled(
        ("absences on case",),
        using,
        lambda case, contact, day: _absences_on_case(case, contact, day),
        case=_STAND_IN,
        contact=_STAND_IN - 1,
        day=_DAY_STAND_IN,
    )
    return covers(plan.fetch(using, case=case.pk, contact=case.contact_person_id, day=day))


#: Stand-ins for the ids and the day in `covers_on_case`'s compiled query.
_STAND_IN = -434343
_DAY_STAND_IN = datetime.date(1901, 2, 3)


def _absences_on_case(case: int, contact: int, day: datetime.date) -> QuerySet[Absence]:
    team = CaseMember.objects.filter(case=case, role__in=COVERED_ROLES).values("professional")
    current = PlanVersion.objects.filter(case=case).order_by("-number").values("number")[:1]
    owners = PlanAction.objects.filter(
        plan__case=case, plan__number=Subquery(current), done=False, owner__isnull=False
    ).values("owner")
    people = Q(professional__in=team) | Q(professional__in=owners) | Q(professional_id=contact)
    # One query for the people and their absences (the case page counts its queries).
    absences = long_absences(day).filter(people).select_related("professional")
    return absences.order_by("end", "pk")


def absences_for_coordinator(day: datetime.date | None = None) -> list[Cover]:
    """Absences in force or starting within the horizon, soonest first (bounded)."""
    day = day or timezone.localdate()
    absences = (
        long_absences(day, ahead=HORIZON_DAYS)
        .select_related("professional")
        .order_by("start", "pk")[:PAGE_LIMIT]
    )
    return covers(absences)


def candidates_for(absence: Absence) -> QuerySet[Professional]:
    """Who may stand in: an active colleague in one of the absent person's covered roles."""
    roles = Membership.objects.filter(
        professional=absence.professional_id, role__in=COVERED_ROLES
    ).values("role")
    return (
        Professional.objects.filter(is_active=True, memberships__role__in=roles)
        .exclude(pk=absence.professional_id)
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )


def cases_covered_by(user: Professional) -> QuerySet[Case]:
    """The open cases the user holds today as stand-in (bounded by the caller)."""
    from kansrijk.cases.workflow import OPEN_STATES

    roles = covering_roles(user)
    if not roles:
        return Case.objects.none()
    condition = Q(pk__in=[])
    for role in roles:
        condition |= stand_in_condition(user, role)
    return (
        filter_cases(Case.objects.filter(condition, state__in=OPEN_STATES), user, Action.SUMMARY)
        .select_related("family", "contact_person", "location")
        .order_by("priority", "last_step_at", "pk")
    )


def actions_covered_by(user: Professional, cases: list[Case]) -> QuerySet[PlanAction]:
    """Open actions of the absent people the user covers, on those cases."""
    current = (
        PlanVersion.objects.filter(case=OuterRef("plan__case"))
        .order_by("-number")
        .values("number")[:1]
    )
    absent = Q(pk__in=[])
    for role in covering_roles(user):
        absent |= Q(owner__in=covered_by(user, role).values("professional"))
    return (
        PlanAction.objects.filter(absent, plan__case__in=cases, done=False)
        .filter(plan__number=Subquery(current))
        .select_related("owner", "plan")
        .order_by("due_date", "pk")
    )
