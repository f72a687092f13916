"""Reading the safety route: the meldcode of a case, flagged families, the joint list of
vulnerable families, childcare contacts and break-the-glass grants awaiting review.

Lists are filtered by role in the query (house rule 1); case content on the vulnerable-family
list comes through the matrix's access filter (`cases.selectors.compiled_list`), so it shows
only where the matrix allows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.utils.translation import gettext as _

from kansrijk.access.matrix import EMERGENCY_ROLES, SIGNALLING_ROLES, VULNERABLE_LIST_ROLES, Action
from kansrijk.access.policies import (
    emergency_locations,
    granting_roles,
    memberships_of,
    roles_of,
)
from kansrijk.access.roles import Role
from kansrijk.cases.models import Case
from kansrijk.cases.selectors import Visible, compiled_list
from kansrijk.cases.workflow import OPEN_STATES, Outcome
from kansrijk.compiled import fetch
from kansrijk.core.models import Location, Membership, Professional
from kansrijk.plans import GENERIC
from kansrijk.safety.models import (
    ChildcareContact,
    ContactAttempt,
    EmergencyAccess,
    Meldcode,
    MeldcodeStep,
    NonResponseFlag,
    VeiligThuisReport,
    VulnerableFamily,
)

if TYPE_CHECKING:
    from kansrijk.cases.models import Case as CaseType

#: Roles that keep the joint list of vulnerable families (seed 001: SWV and area managers,
#: with the coordinator who chairs the care meeting).


# --- the meldcode ---------------------------------------------------------------------------


def meldcode_of(case: CaseType) -> Meldcode | None:
    """The case's open meldcode, else its latest one, with steps and report (2 queries; the
    first with SQL compiled once per process, kansrijk.compiled: every case page reads it)."""
    found: list[Meldcode] = fetch(
        ("meldcode of",),
        Meldcode.objects.db,
        lambda case: (
            Meldcode.objects.filter(case=case)
            .select_related("started_by", "report", "report__reported_by")
            .order_by(F("finished_at").desc(nulls_first=True), "-started_at", "-id")[:1]
        ),
        case=case.pk,
    )
    prefetch_related_objects(found, Prefetch("steps", queryset=_steps()))
    return found[0] if found else None


def _steps() -> QuerySet[MeldcodeStep]:
    return MeldcodeStep.objects.select_related("by").order_by("number", "id")


def worker_roles(user: Professional, case: CaseType | int) -> set[Role]:
    """Who may take meldcode steps: whoever may edit the case or take route steps on it
    (the IB, the contact person, the support team, the coordinator of the centre)."""
    return granting_roles(user, case, Action.EDIT) | granting_roles(user, case, Action.TRANSITION)


def may_read_meldcode(user: Professional, case: CaseType) -> bool:
    """The meldcode's content is part of the full file; those who work on it read it too."""
    return bool(granting_roles(user, case, Action.FULL) or worker_roles(user, case))


def closing_refusal(case: CaseType, data: dict[str, Any]) -> str | None:
    """Why the case may not be closed yet (registered with cases.workflow.CLOSING_CHECKS)."""
    outcome = data.get("outcome")
    if Meldcode.objects.filter(case=case, finished_at__isnull=True).exists():
        return _(
            "The meldcode is still open: finish its steps, or record the report to "
            "Veilig Thuis, before closing the case."
        )
    if outcome == Outcome.VEILIG_THUIS and not VeiligThuisReport.objects.filter(case=case).exists():
        return _("Record the report to Veilig Thuis on the meldcode first.")
    return None


def reported_to_veilig_thuis(case_ref: str) -> Exists:
    """Registered with cases.workflow.VEILIG_THUIS_REPORTED: the rows after a report."""
    return Exists(VeiligThuisReport.objects.filter(case=OuterRef(case_ref)))


# --- childcare ------------------------------------------------------------------------------


def childcare_contacts_for(user: Professional) -> list[ChildcareContact]:
    """The district team's fixed contact for each childcare location where the user signals
    (no query for a user who signals at none: the memberships hold their locations)."""
    locations = [
        m.location_id
        for m in memberships_of(user)
        if m.role in SIGNALLING_ROLES
        and m.location is not None
        and m.location.kind == Location.Kind.CHILDCARE
    ]
    if not locations:
        return []
    return list(
        ChildcareContact.objects.filter(location__in=locations)
        .select_related("location", "professional")
        .order_by("location__name")
    )


def childcare_contact_for(location_id: int) -> Professional | None:
    contact = (
        ChildcareContact.objects.filter(location=location_id).select_related("professional").first()
    )
    return contact.professional if contact else None


# --- who hears of what ----------------------------------------------------------------------


def coordinators_for(location: Location) -> list[Professional]:
    """The coordinator(s) of a location; a childcare location or office has none of its own,
    so the coordinators of its district are told instead."""
    members = Membership.objects.filter(
        role=Role.COORDINATOR, professional__is_active=True
    ).select_related("professional")
    found = [m.professional for m in members.filter(location=location)]
    if not found:
        found = [m.professional for m in members.filter(location__district=location.district)]
    return list(dict.fromkeys(found))


def family_specialists_at(location: Location) -> list[Professional]:
    return [
        m.professional
        for m in Membership.objects.filter(
            role=Role.FAMILY_SPECIALIST, location=location, professional__is_active=True
        )
        .select_related("professional")
        .order_by("id")
    ]


def coordinator_location_ids(user: Professional) -> list[int]:
    return [
        m.location_id
        for m in memberships_of(user)
        if m.role == Role.COORDINATOR and m.location_id is not None
    ]


def coordinator_scope(user: Professional) -> list[int]:
    """The locations a coordinator follows: their own, and the childcare locations and
    offices of their districts (which have no coordinator of their own)."""
    own = coordinator_location_ids(user)
    if not own:
        return []
    districts = set(Location.objects.filter(pk__in=own).values_list("district", flat=True))
    covered = set(
        Membership.objects.filter(role=Role.COORDINATOR)
        .exclude(location=None)
        .values_list("location", flat=True)
    )
    extra = Location.objects.filter(district__in=districts).exclude(pk__in=covered)
    return [*own, *extra.values_list("pk", flat=True)]


# --- families that do not respond -----------------------------------------------------------


def flagged_families(user: Professional) -> QuerySet[NonResponseFlag]:
    """Open flags of the coordinator's locations; `attempts_of` gives their attempts."""
    return (
        NonResponseFlag.objects.filter(
            location__in=coordinator_scope(user), resolved_at__isnull=True
        )
        .select_related("family", "location")
        .order_by("-flagged_at", "-id")
    )


def attempts_of(family_ids: list[int]) -> dict[int, list[ContactAttempt]]:
    """The unsettled attempts per family, newest first (one query)."""
    grouped: dict[int, list[ContactAttempt]] = {pk: [] for pk in family_ids}
    for attempt in (
        ContactAttempt.objects.filter(family__in=family_ids, settled_at__isnull=True)
        .select_related("child", "by", "location")
        .order_by("-happened_on", "-id")
    ):
        grouped[attempt.family_id].append(attempt)
    return grouped


def may_record_attempts(user: Professional) -> bool:
    return bool(roles_of(user) & SIGNALLING_ROLES)


# --- the joint list of vulnerable families --------------------------------------------------


def may_keep_vulnerable_list(user: Professional) -> bool:
    return bool(roles_of(user) & VULNERABLE_LIST_ROLES)


def vulnerable_families(user: Professional) -> list[VulnerableFamily]:
    """The joint list. Each entry carries `case_state` only when the user may see the
    family's open case at summary level (the matrix decides, inside the query); the area
    manager's role grants nothing on cases, so they see families and sources only.

    With the plan PostgreSQL keeps (kansrijk.plans): planning the access filter twice over
    cost 4.4 ms a view, the kept plan runs in 0.7 (region at 1.0, plan check)."""
    if not may_keep_vulnerable_list(user):
        return []
    return compiled_list(
        user, Action.SUMMARY, ("vulnerable families",), _vulnerable_read, per_user=False,
        plan=GENERIC,
    )  # fmt: skip


def _vulnerable_read(uid: int, visible: Visible) -> QuerySet[VulnerableFamily]:
    open_cases = Case.objects.filter(family=OuterRef("family"), state__in=OPEN_STATES)
    shown = open_cases.filter(visible("pk")).order_by("-opened_at")
    return (
        VulnerableFamily.objects.select_related("family", "added_by", "owner", "closed_by")
        .annotate(
            case_id=Subquery(shown.values("pk")[:1]),
            case_state=Subquery(shown.values("state")[:1]),
        )
        .order_by(F("closed_at").desc(nulls_first=True), "family__name", "-added_at", "-id")
    )


def vulnerable_list_owners() -> QuerySet[Professional]:
    """Who may own an approach on the joint list: its keepers (seed 001: SWV, area managers;
    and the coordinator)."""
    return (
        Professional.objects.filter(is_active=True, memberships__role__in=VULNERABLE_LIST_ROLES)
        .distinct()
        .order_by("first_name", "last_name", "id")
    )


# --- break-the-glass ------------------------------------------------------------------------


def may_break_glass(user: Professional) -> bool:
    return bool(emergency_scope(user))


def emergency_scope(user: Professional) -> frozenset[int]:
    """The locations whose children the user can have an emergency with: where they hold a
    role that may break the glass (access.policies), and the childcare locations whose
    fixed district-team contact they are (the safety route's recipients)."""
    own = emergency_locations(user)
    contact_of = ChildcareContact.objects.filter(professional=user).values_list(
        "location", flat=True
    )
    return own | frozenset(contact_of) if roles_of(user) & EMERGENCY_ROLES else own


def emergency_grants_to_review(user: Professional) -> QuerySet[EmergencyAccess]:
    """Break-the-glass events at the coordinator's locations that wait for review."""
    return (
        EmergencyAccess.objects.filter(case__location__in=coordinator_scope(user), review="")
        .select_related("user", "case", "case__location")
        .order_by("granted_at", "id")
    )


def is_flagged(family_id: int) -> bool:
    return NonResponseFlag.objects.filter(family=family_id, resolved_at__isnull=True).exists()


def district_team_questions(user: Professional) -> QuerySet[NonResponseFlag]:
    """Questions to the user's district team about families that do not respond (seed 001:
    'bij het wot nagevraagd worden of ze bij het wot bekend zijn'), open ones first."""
    teams = [m.organisation_id for m in memberships_of(user) if m.role == Role.DISTRICT_TEAM]
    return (
        NonResponseFlag.objects.filter(
            follow_up=NonResponseFlag.FollowUp.ASK_DISTRICT_TEAM, district_team__in=teams
        )
        .select_related("family", "location")
        .order_by("-district_team_answered_at", "-resolved_at", "-id")
    )
