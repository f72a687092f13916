"""The zorgroute of seed 001 as one table of transitions.

Each row says from which states a transition may start, where it leads, which roles
may take it and what must hold. `cases.services.case_transition` is the only code that
applies a row; nothing else changes a case's state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from kansrijk.access.roles import Role

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from kansrijk.cases.models import Case


class CaseState(models.TextChoices):
    SIGNALLED = "signalled", _("Signalled")
    SCHOOL_PLAN = "school_plan", _("School plan")
    AWAITING_CONSENT = "awaiting_consent", _("Awaiting consent")
    ON_ATTENTION_LIST = "on_attention_list", _("On attention list")
    CHECKED = "checked", _("Checked with district team")
    IN_SUPPORT = "in_support", _("In support")
    EVALUATED = "evaluated", _("Evaluated in support-team meeting")
    ESCALATED = "escalated", _("Escalated")
    CLOSED = "closed", _("Closed")
    # The 0–4 route (issue 12), next to the school route in the same table.
    EARLY_CONSULTATION = "early_consultation", _("CJG consultation (0–4)")
    EARLY_SUPPORT = "early_support", _("Early support: VVE, parent room, language")


OPEN_STATES = frozenset(s for s in CaseState if s != CaseState.CLOSED)
#: States in which a pupil stands on the school's attention list (seed 001, step 1).
ATTENTION_LIST_STATES = frozenset(
    {
        CaseState.ON_ATTENTION_LIST,
        CaseState.CHECKED,
        CaseState.IN_SUPPORT,
        CaseState.EVALUATED,
        CaseState.ESCALATED,
    }
)


class Outcome(models.TextChoices):
    """How a case ended; the monitor counts these (seed 002, DESIGN §2)."""

    STAYED_REGULAR = "stayed_regular", _("Stayed in regular provision")
    SCHOOL_ALONE = "school_alone", _("Resolved by the school alone")
    WITH_FAMILY_SPECIALIST = "with_family_specialist", _("Resolved with the family specialist")
    SPECIAL_EDUCATION = "special_education", _("Referred to special education (SBO/SO/VSO)")
    SPECIALIST_YOUTH_CARE = "specialist_youth_care", _("Referred to specialist youth care")
    VEILIG_THUIS = "veilig_thuis", _("Reported to Veilig Thuis")
    MOVED_AWAY = "moved_away", _("Moved away")


class ConsentAnswer(models.TextChoices):
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")


class DistrictTeamCheck(models.TextChoices):
    NOT_KNOWN = "not_known", _("Not known to the district team")
    ALREADY_KNOWN = "already_known", _("Already known")


class EscalationTarget(models.TextChoices):
    DISTRICT_TEAM = "district_team", _("District team")
    PSYCHOLOGIST = "psychologist", _("GGZ psychologist")
    BEHAVIOURAL_SCIENTIST = "behavioural_scientist", _("Behavioural scientist")


Guard = Callable[["Case", dict[str, Any]], "str | _StrPromise | None"]
"""A guard returns None when the transition may go ahead, else the reason it may not."""


def has_plan(case: Case, data: dict[str, Any]) -> str | _StrPromise | None:
    if not case.plans.exists():
        return _("Make a plan with the teacher first.")
    return None


def needs_outcome(case: Case, data: dict[str, Any]) -> str | _StrPromise | None:
    if data.get("outcome") not in Outcome.values:
        return _("Choose the outcome of the case.")
    return None


def needs_district_check(case: Case, data: dict[str, Any]) -> str | _StrPromise | None:
    result = data.get("district_team_check")
    if result not in DistrictTeamCheck.values:
        return _("Record whether the district team already knows the family.")
    if result == DistrictTeamCheck.ALREADY_KNOWN and not (data.get("known_to") or "").strip():
        return _("Say to whom the family is already known.")
    return None


def needs_escalation_plan(case: Case, data: dict[str, Any]) -> str | _StrPromise | None:
    if data.get("escalated_to") not in EscalationTarget.values:
        return _("Choose to whom the case is escalated.")
    if not (data.get("plan_goal") or "").strip():
        return _("Describe the tailored plan for the escalation.")
    return None


def needs_evaluation(case: Case, data: dict[str, Any]) -> str | _StrPromise | None:
    if not (data.get("comment") or "").strip():
        return _("Write down the result of the evaluation.")
    return None


#: Checks other apps add before a case may close (kansrijk.safety: the meldcode's mandatory
#: steps come first; reporting to Veilig Thuis as the outcome needs a recorded report).
#: Registered at start-up, so that the route does not import the apps built on it.
CLOSING_CHECKS: list[Guard] = []


def closing_checks(case: Case, data: dict[str, Any]) -> str | _StrPromise | None:
    for check in CLOSING_CHECKS:
        reason = check(case, data)
        if reason:
            return reason
    return None


def needs_vve_programme(case: Case, data: dict[str, Any]) -> str | _StrPromise | None:
    if not (data.get("programme") or "").strip():
        return _("Name the VVE programme the toddler is indicated for.")
    return None


def needs_parent_activity(case: Case, data: dict[str, Any]) -> str | _StrPromise | None:
    if not (data.get("parent_room") or data.get("language")):
        return _("Choose what was offered to the parent.")
    return None


@dataclass(frozen=True)
class Transition:
    name: str
    label: _StrPromise | str
    sources: frozenset[CaseState]
    target: CaseState
    roles: frozenset[Role]
    guards: tuple[Guard, ...] = field(default_factory=tuple)

    def refusal(self, case: Case, data: dict[str, Any]) -> str | _StrPromise | None:
        """The first reason this transition may not be taken now, or None."""
        for guard in self.guards:
            reason = guard(case, data)
            if reason:
                return reason
        return None


_IB = Role.INTERNAL_COACH
_VOT = frozenset({Role.INTERNAL_COACH, Role.EDUCATION_SPECIALIST, Role.FAMILY_SPECIALIST})
_EARLY = frozenset({Role.SCHOOL_NURSE, Role.FAMILY_SPECIALIST, Role.DISTRICT_TEAM})

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "make_plan",
        _("Make a plan with the teacher"),
        frozenset({CaseState.SIGNALLED}),
        CaseState.SCHOOL_PLAN,
        frozenset({_IB}),
        (has_plan,),
    ),
    Transition(
        "ask_consent",
        _("Ask the parents' consent for the support-team meeting"),
        frozenset({CaseState.SCHOOL_PLAN}),
        CaseState.AWAITING_CONSENT,
        frozenset({_IB}),
    ),
    Transition(
        "consent_given",
        _("Parents gave consent"),
        frozenset({CaseState.AWAITING_CONSENT}),
        CaseState.ON_ATTENTION_LIST,
        frozenset({_IB}),
    ),
    Transition(
        "consent_refused",
        _("Parents refused consent: school-only support"),
        frozenset({CaseState.AWAITING_CONSENT}),
        CaseState.SCHOOL_PLAN,
        frozenset({_IB}),
    ),
    Transition(
        "check_district_team",
        _("Check the list against the district team"),
        frozenset({CaseState.ON_ATTENTION_LIST}),
        CaseState.CHECKED,
        frozenset({Role.FAMILY_SPECIALIST}),
        (needs_district_check,),
    ),
    Transition(
        "start_support",
        _("Start supporting the family"),
        frozenset({CaseState.CHECKED}),
        CaseState.IN_SUPPORT,
        frozenset({Role.FAMILY_SPECIALIST}),
    ),
    Transition(
        "evaluate",
        _("Evaluate in the support-team meeting"),
        frozenset({CaseState.IN_SUPPORT, CaseState.ESCALATED}),
        CaseState.EVALUATED,
        _VOT | {Role.COORDINATOR},
        (needs_evaluation,),
    ),
    Transition(
        "continue_support",
        _("Continue the support"),
        frozenset({CaseState.EVALUATED}),
        CaseState.IN_SUPPORT,
        frozenset({Role.FAMILY_SPECIALIST}),
    ),
    Transition(
        "escalate",
        _("Escalate with a tailored plan"),
        frozenset({CaseState.EVALUATED}),
        CaseState.ESCALATED,
        frozenset({Role.FAMILY_SPECIALIST, Role.COORDINATOR}),
        (needs_escalation_plan,),
    ),
    Transition(
        "close",
        _("Close with an outcome"),
        frozenset({CaseState.EVALUATED, CaseState.SCHOOL_PLAN}),
        CaseState.CLOSED,
        _VOT | {Role.COORDINATOR},
        (needs_outcome, closing_checks),
    ),
    # --- the 0–4 route (issue 12): youth health care is the first line; effects in
    # kansrijk.early_years.route.
    Transition(
        "jgz_consultation",
        _("Invite the parents to a CJG consultation (0–4)"),
        frozenset({CaseState.SIGNALLED}),
        CaseState.EARLY_CONSULTATION,
        _EARLY,
    ),
    Transition(
        "vve_indication",
        _("Give a VVE indication"),
        frozenset({CaseState.EARLY_CONSULTATION, CaseState.EARLY_SUPPORT}),
        CaseState.EARLY_SUPPORT,
        frozenset({Role.SCHOOL_NURSE}),
        (needs_vve_programme,),
    ),
    Transition(
        "offer_parent_activities",
        _("Offer parent-room and language activities to the parent"),
        frozenset({CaseState.EARLY_CONSULTATION, CaseState.EARLY_SUPPORT}),
        CaseState.EARLY_SUPPORT,
        _EARLY,
        (needs_parent_activity,),
    ),
    Transition(
        "close_early",
        _("Close the 0–4 route with an outcome"),
        frozenset({CaseState.EARLY_CONSULTATION, CaseState.EARLY_SUPPORT}),
        CaseState.CLOSED,
        _EARLY | {Role.COORDINATOR},
        (needs_outcome, closing_checks),
    ),
)

BY_NAME: dict[str, Transition] = {t.name: t for t in TRANSITIONS}


def transitions_from(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS if state in t.sources]
