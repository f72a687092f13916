"""The zorgroute of seed 001 as one table of transitions.

Each row says from which states a transition may start, where it leads, which roles
may take it, what must hold, what it asks (its inputs) and what it does (its effect, in
cases.effects). The page form, the API schema, the meeting's decision form, the agenda and
the monitor's lead times are derived from the rows: a new transition is one row and one
effect function. `cases.services.case_transition` is the only code that
applies a row; nothing else changes a case's state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from kansrijk.access.roles import Role
from kansrijk.cases import effects
from kansrijk.cases.states import (
    ATTENTION_LIST_STATES,
    BEFORE_SUPPORT_STATES,
    OPEN_STATES,
    CaseState,
    ConsentAnswer,
    DistrictTeamCheck,
    EscalationTarget,
    Outcome,
)
from kansrijk.consent.models import Consent
from kansrijk.early_years import route as early_years

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from kansrijk.cases.models import Case
    from kansrijk.core.models import Professional

__all__ = [
    "ATTENTION_LIST_STATES",
    "BY_NAME",
    "CLOSING_CHECKS",
    "OPEN_STATES",
    "TRANSITIONS",
    "VEILIG_THUIS_REPORTED",
    "CaseState",
    "ConsentAnswer",
    "DistrictTeamCheck",
    "EscalationTarget",
    "Input",
    "Kind",
    "Mark",
    "Outcome",
    "Transition",
    "transitions_from",
]


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
    if result == DistrictTeamCheck.ALREADY_KNOWN:
        if not data.get("known_team"):
            return _("Choose the district team that knows the family.")
        if not data.get("known_worker"):
            return _("Choose the worker of that team who knows the family.")
        if not (data.get("approach") or "").strip():
            return _("Describe the approach agreed with that worker.")
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


def signal_joined_last(case: Case) -> bool:
    """Whether the newest step of the case is a signal that joined it: nobody has taken a
    step since it came in. The order is the order the steps were written in (their ids),
    whatever moment a step records."""
    newest = case.steps.order_by("-id").values_list("transition", flat=True).first()
    return newest == "signal_joined"


def no_signal_since_evaluation(case: Case, data: dict[str, Any]) -> str | _StrPromise | None:
    """A signal that joined after the evaluation was not evaluated: closing now would bury it
    in a closed case, where nobody acts on it. Read under the case's row lock, which the
    signal's join takes too, so a join and a close never pass each other unseen."""
    if case.state == CaseState.EVALUATED and signal_joined_last(case):
        return _(
            "A new signal came in after the evaluation. Read it, then continue the support "
            "and evaluate again, or escalate."
        )
    return None


def _unread_signal(case: Case) -> bool:
    """A signal joined after the last step, before any evaluation (after one, `no_signal_
    since_evaluation` asks for a new evaluation instead)."""
    return case.state != CaseState.EVALUATED and signal_joined_last(case)


def asks_new_signal_read(case: Case) -> bool:
    """Whether the case page's closing forms ask to confirm that the newest signal was read
    (`_unread_signal`): read once per case object, for every closing form of the page."""
    known: bool | None = getattr(case, "_kansrijk_unread_signal", None)
    if known is None:
        known = _unread_signal(case)
        case._kansrijk_unread_signal = known  # type: ignore[attr-defined]
    return known


def new_signal_read(case: Case, data: dict[str, Any]) -> str | _StrPromise | None:
    """A case that closes with a signal nobody has acted on yet: whoever closes it confirms
    having read that signal, so that it is never buried unseen in a closed case (a teacher's
    second signal on a pupil the IB is about to close as school-only support). Read under the
    case's row lock, as `no_signal_since_evaluation`."""
    if _unread_signal(case) and not data.get("new_signal_read"):
        return _(
            "A new signal came in after the last step. Read it on the case page, then confirm "
            "that you have read it, or take another step."
        )
    return None


#: Checks other apps add before a case may close (kansrijk.safety: the meldcode's mandatory
#: steps come first; reporting to Veilig Thuis as the outcome needs a recorded report).
#: Registered at start-up, so that the route does not import the apps built on it.
CLOSING_CHECKS: list[Guard] = []


#: Whether a case has a report to Veilig Thuis recorded, as a condition on the case named by
#: an OuterRef path (registered by kansrijk.safety): read with the case where a page reads
#: it (`reported_condition`), else for many cases in one query (`reported_among`).
VEILIG_THUIS_REPORTED: list[Callable[[str], Any]] = []


def reported_condition(case_ref: str) -> Any:
    """The condition on the case at `case_ref` ("pk", "case_id"), or False without safety."""
    from django.db.models import Q, Value

    if not VEILIG_THUIS_REPORTED:
        return Value(False)
    condition = Q()
    for build in VEILIG_THUIS_REPORTED:
        condition |= Q(build(case_ref))
    return condition


def reported_among(case_ids: list[int]) -> set[int]:
    from kansrijk.cases.models import Case

    if not VEILIG_THUIS_REPORTED:
        return set()
    reported = Case.objects.filter(reported_condition("pk"), pk__in=case_ids)
    return set(reported.values_list("pk", flat=True))


def reported_to_veilig_thuis(case: Case, data: dict[str, Any]) -> str | _StrPromise | None:
    if case.pk not in reported_among([case.pk]):
        return _("Record the report to Veilig Thuis on the meldcode first.")
    return None


def closing_checks_for(outcome: Outcome) -> Guard:
    """The closing checks for a row that closes with a fixed outcome."""

    def check(case: Case, data: dict[str, Any]) -> str | _StrPromise | None:
        return closing_checks(case, {**data, "outcome": outcome})

    return check


def needs_answer(case: Case, data: dict[str, Any]) -> str | _StrPromise | None:
    if not (data.get("veilig_thuis_answer") or "").strip():
        return _("Write down Veilig Thuis's answer.")
    return None


def needs_vve_programme(case: Case, data: dict[str, Any]) -> str | _StrPromise | None:
    if not (data.get("programme") or "").strip():
        return _("Name the VVE programme the toddler is indicated for.")
    return None


def needs_parent_activity(case: Case, data: dict[str, Any]) -> str | _StrPromise | None:
    if not (data.get("parent_room") or data.get("language")):
        return _("Choose what was offered to the parent.")
    return None


def closing_checks(case: Case, data: dict[str, Any]) -> str | _StrPromise | None:
    for check in CLOSING_CHECKS:
        reason = check(case, data)
        if reason:
            return reason
    return None


class Kind(StrEnum):
    """What kind of answer an input takes; the page form, the meeting's decision form and
    the API schema each turn a kind into their own field."""

    CHOICE = "choice"
    LINE = "line"
    TEXT = "text"
    FLAG = "flag"
    GUARDIAN = "guardian"
    DATE = "date"
    #: An organisation of the kind named in `Input.of` (e.g. a district team).
    ORGANISATION = "organisation"
    #: A professional holding the role named in `Input.of` (e.g. a district-team worker).
    PROFESSIONAL = "professional"


@dataclass(frozen=True)
class Input:
    """One thing a step asks for, declared once on its row."""

    name: str
    label: _StrPromise | str
    kind: Kind = Kind.CHOICE
    choices: tuple[tuple[str, _StrPromise | str], ...] = ()
    required: bool = True
    #: Asked for when another input has this value, e.g. ("district_team_check", "already_known").
    required_when: tuple[str, str] | None = None
    max_length: int = 200
    message: _StrPromise | str | None = None
    #: For an optional choice: what "none of these" says.
    blank_label: _StrPromise | str | None = None
    initial: str | None = None
    radio: bool = False
    #: For ORGANISATION: the organisation kind; for PROFESSIONAL: the role.
    of: str = ""
    #: Asked on the case's page only when this holds for the case (the API and the
    #: meeting's form always take it; the row's guard says when it is needed).
    asked_when: Callable[[Case], bool] | None = None


class Mark(StrEnum):
    """What taking a row means to the care meeting's agenda (meetings.selectors)."""

    EVALUATION = "evaluation"
    ESCALATION = "escalation"
    ONTO_LIST = "onto_list"


@dataclass(frozen=True)
class LeadTime:
    """The monitor's lead time from the first signal to the first step of this row."""

    key: str
    nl: str
    en: str


Effect = Callable[["Case", "Professional", dict[str, Any]], dict[str, Any]]
"""What a step does besides changing the state; returns what the step records."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: _StrPromise | str
    sources: frozenset[CaseState]
    target: CaseState
    roles: frozenset[Role]
    guards: tuple[Guard, ...] = field(default_factory=tuple)
    inputs: tuple[Input, ...] = field(default_factory=tuple)
    effect: Effect | None = None
    #: Replaces the optional "Explanation" when the step's comment is required.
    comment: Input | None = None
    mark: Mark | None = None
    lead_time: LeadTime | None = None
    #: Offered only on a case with a report to Veilig Thuis.
    after_report: bool = False

    def refusal(self, case: Case, data: dict[str, Any]) -> str | _StrPromise | None:
        """The first reason this transition may not be taken now, or None."""
        for guard in self.guards:
            reason = guard(case, data)
            if reason:
                return reason
        return None


def _choices(enum: Any) -> tuple[tuple[str, _StrPromise | str], ...]:
    return tuple(enum.choices)


_IB = Role.INTERNAL_COACH
_VOT = frozenset({Role.INTERNAL_COACH, Role.EDUCATION_SPECIALIST, Role.FAMILY_SPECIALIST})
_EARLY = frozenset({Role.SCHOOL_NURSE, Role.FAMILY_SPECIALIST, Role.DISTRICT_TEAM})
_EARLY_STATES = frozenset({CaseState.EARLY_CONSULTATION, CaseState.EARLY_SUPPORT})

CONSENT_INPUTS = (
    Input(
        "guardian",
        _("Answered by"),
        Kind.GUARDIAN,
        message=_("Choose the parent or carer who answered."),
    ),
    Input(
        "method",
        _("How"),
        choices=_choices(Consent.Method),
        initial=Consent.Method.VERBAL,
    ),
    Input(
        "by_child",
        _("The young person (12 or older) answered too"),
        Kind.FLAG,
        required=False,
    ),
)
NEW_SIGNAL_READ_INPUT = Input(
    "new_signal_read",
    _("I have read the signal that came in after the last step"),
    Kind.FLAG,
    required=False,
    asked_when=asks_new_signal_read,
)
OUTCOME_INPUT = Input(
    "outcome",
    _("Outcome"),
    choices=_choices(Outcome),
    radio=True,
    message=_("Choose the outcome of the case."),
)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "make_plan",
        _("Make a plan with the teacher"),
        frozenset({CaseState.SIGNALLED}),
        CaseState.SCHOOL_PLAN,
        frozenset({_IB}),
        (has_plan,),
        lead_time=LeadTime("lead_plan", "Signaal → plan", "Signal → plan"),
    ),
    Transition(
        "ask_consent",
        _("Ask the parents' consent for the support-team meeting"),
        frozenset({CaseState.SCHOOL_PLAN}),
        CaseState.AWAITING_CONSENT,
        frozenset({_IB}),
        effect=effects.consent_asked,
        lead_time=LeadTime(
            "lead_consent_asked", "Signaal → toestemming gevraagd", "Signal → consent asked"
        ),
    ),
    Transition(
        "consent_given",
        _("Parents gave consent"),
        frozenset({CaseState.AWAITING_CONSENT}),
        CaseState.ON_ATTENTION_LIST,
        frozenset({_IB}),
        inputs=CONSENT_INPUTS,
        effect=effects.consent_given,
        mark=Mark.ONTO_LIST,
        lead_time=LeadTime(
            "lead_consent_given", "Signaal → toestemming gegeven", "Signal → consent given"
        ),
    ),
    Transition(
        "consent_refused",
        _("Parents refused consent: school-only support"),
        frozenset({CaseState.AWAITING_CONSENT}),
        CaseState.SCHOOL_PLAN,
        frozenset({_IB}),
        inputs=CONSENT_INPUTS,
        effect=effects.consent_refused,
    ),
    Transition(
        "check_district_team",
        _("Check the list against the district team"),
        frozenset({CaseState.ON_ATTENTION_LIST}),
        CaseState.CHECKED,
        frozenset({Role.FAMILY_SPECIALIST}),
        (needs_district_check,),
        inputs=(
            Input(
                "district_team_check",
                _("Is the family known to the district team?"),
                choices=_choices(DistrictTeamCheck),
                radio=True,
                message=_("Record whether the district team already knows the family."),
            ),
            Input(
                "known_team",
                _("Known to which district team"),
                Kind.ORGANISATION,
                required=False,
                required_when=("district_team_check", DistrictTeamCheck.ALREADY_KNOWN),
                message=_("Choose the district team that knows the family."),
                of="district_team",
            ),
            Input(
                "known_worker",
                _("Which worker of that team"),
                Kind.PROFESSIONAL,
                required=False,
                required_when=("district_team_check", DistrictTeamCheck.ALREADY_KNOWN),
                message=_("Choose the worker of that team who knows the family."),
                of=Role.DISTRICT_TEAM,
            ),
            Input(
                "approach",
                _("Approach agreed with that worker"),
                Kind.TEXT,
                required=False,
                required_when=("district_team_check", DistrictTeamCheck.ALREADY_KNOWN),
                max_length=500,
                message=_("Describe the approach agreed with that worker."),
            ),
        ),
        effect=effects.district_team_checked,
    ),
    Transition(
        "start_support",
        _("Start supporting the family"),
        frozenset({CaseState.CHECKED}),
        CaseState.IN_SUPPORT,
        frozenset({Role.FAMILY_SPECIALIST}),
        effect=effects.support_started,
        lead_time=LeadTime(
            "lead_family_specialist",
            "Signaal → contact gezinsspecialist",
            "Signal → family specialist contact",
        ),
    ),
    Transition(
        "evaluate",
        _("Evaluate in the support-team meeting"),
        frozenset({CaseState.IN_SUPPORT, CaseState.ESCALATED}),
        CaseState.EVALUATED,
        _VOT | {Role.COORDINATOR},
        (needs_evaluation,),
        comment=Input(
            "comment",
            _("Result of the evaluation"),
            Kind.TEXT,
            max_length=4000,
            message=_("Write down the result of the evaluation."),
        ),
        mark=Mark.EVALUATION,
        lead_time=LeadTime(
            "lead_evaluation", "Signaal → evaluatie in het VOT", "Signal → evaluation in the VOT"
        ),
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
        inputs=(
            Input("escalated_to", _("Escalate to"), choices=_choices(EscalationTarget)),
            Input(
                "plan_goal",
                _("Tailored plan: what is the goal?"),
                Kind.TEXT,
                max_length=500,
                message=_("Describe the tailored plan for the escalation."),
            ),
            Input(
                "referral_consent",
                _("Parents' consent to the referral"),
                choices=_choices(Consent.Method),
                required=False,
                blank_label=_("Already recorded, or a legal ground applies"),
            ),
        ),
        effect=effects.escalated,
        mark=Mark.ESCALATION,
    ),
    Transition(
        "close",
        _("Close with an outcome"),
        frozenset({CaseState.EVALUATED, CaseState.SCHOOL_PLAN}),
        CaseState.CLOSED,
        _VOT | {Role.COORDINATOR},
        (needs_outcome, no_signal_since_evaluation, new_signal_read, closing_checks),
        inputs=(OUTCOME_INPUT, NEW_SIGNAL_READ_INPUT),
        effect=effects.closed,
        lead_time=LeadTime("lead_closure", "Signaal → afsluiting", "Signal → closure"),
    ),
    Transition(
        "advice_given",
        _("Close: advice was enough"),
        BEFORE_SUPPORT_STATES,
        CaseState.CLOSED,
        _VOT | {Role.COORDINATOR},
        (new_signal_read, closing_checks_for(Outcome.ADVICE_GIVEN)),
        inputs=(NEW_SIGNAL_READ_INPUT,),
        effect=effects.advice_given,
        lead_time=LeadTime("lead_closure", "Signaal → afsluiting", "Signal → closure"),
    ),
    Transition(
        "close_after_report",
        _("Close after the report to Veilig Thuis"),
        OPEN_STATES,
        CaseState.CLOSED,
        _VOT | {Role.COORDINATOR},
        (
            reported_to_veilig_thuis,
            no_signal_since_evaluation,
            new_signal_read,
            closing_checks_for(Outcome.VEILIG_THUIS),
        ),
        inputs=(NEW_SIGNAL_READ_INPUT,),
        after_report=True,
        effect=effects.closed_after_report,
        lead_time=LeadTime("lead_closure", "Signaal → afsluiting", "Signal → closure"),
    ),
    Transition(
        "support_after_report",
        _("Continue the support with the district team after the report"),
        OPEN_STATES - {CaseState.IN_SUPPORT},
        CaseState.IN_SUPPORT,
        _VOT | {Role.COORDINATOR},
        (reported_to_veilig_thuis,),
        after_report=True,
        effect=effects.support_with_district_team,
    ),
    Transition(
        "await_veilig_thuis",
        _("Wait for Veilig Thuis's answer"),
        OPEN_STATES - {CaseState.AWAITING_VEILIG_THUIS},
        CaseState.AWAITING_VEILIG_THUIS,
        _VOT | {Role.COORDINATOR},
        (reported_to_veilig_thuis,),
        after_report=True,
    ),
    Transition(
        "veilig_thuis_answered",
        _("Record Veilig Thuis's answer"),
        frozenset({CaseState.AWAITING_VEILIG_THUIS}),
        CaseState.EVALUATED,
        _VOT | {Role.COORDINATOR},
        (needs_answer,),
        inputs=(
            Input(
                "veilig_thuis_answer",
                _("Veilig Thuis's answer"),
                Kind.TEXT,
                max_length=4000,
                message=_("Write down Veilig Thuis's answer."),
            ),
        ),
        effect=effects.veilig_thuis_answered,
        mark=Mark.EVALUATION,
    ),
    # --- the 0–4 route (issue 12): youth health care is the first line; effects in
    # kansrijk.early_years.route.
    Transition(
        "jgz_consultation",
        _("Invite the parents to a CJG consultation (0–4)"),
        frozenset({CaseState.SIGNALLED}),
        CaseState.EARLY_CONSULTATION,
        _EARLY,
        inputs=(
            Input("consultation_on", _("Date of the consultation"), Kind.DATE, required=False),
        ),
        effect=early_years.consultation,
    ),
    Transition(
        "vve_indication",
        _("Give a VVE indication"),
        _EARLY_STATES,
        CaseState.EARLY_SUPPORT,
        frozenset({Role.SCHOOL_NURSE}),
        (needs_vve_programme,),
        inputs=(
            Input(
                "programme",
                _("VVE programme"),
                Kind.LINE,
                message=_("Name the VVE programme the toddler is indicated for."),
            ),
        ),
        effect=early_years.vve_indication,
    ),
    Transition(
        "offer_parent_activities",
        _("Offer parent-room and language activities to the parent"),
        _EARLY_STATES,
        CaseState.EARLY_SUPPORT,
        _EARLY,
        (needs_parent_activity,),
        inputs=(
            Input("parent_room", _("Parent-room activities"), Kind.FLAG, required=False),
            Input("language", _("Language activities for the parent"), Kind.FLAG, required=False),
        ),
        effect=early_years.parent_activities,
    ),
    Transition(
        "close_early",
        _("Close the 0–4 route with an outcome"),
        _EARLY_STATES,
        CaseState.CLOSED,
        _EARLY | {Role.COORDINATOR},
        (needs_outcome, new_signal_read, closing_checks),
        inputs=(OUTCOME_INPUT, NEW_SIGNAL_READ_INPUT),
        effect=effects.closed,
        lead_time=LeadTime("lead_closure", "Signaal → afsluiting", "Signal → closure"),
    ),
)

BY_NAME: dict[str, Transition] = {t.name: t for t in TRANSITIONS}


def transitions_from(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS if state in t.sources]


def marked(mark: Mark) -> list[str]:
    """The names of the rows that carry this mark, for a query on Step.transition."""
    return [t.name for t in TRANSITIONS if t.mark == mark]


def all_inputs(transitions: list[Transition] | tuple[Transition, ...]) -> list[Input]:
    """Every input of these rows once, in table order (the same name means the same input)."""
    seen: dict[str, Input] = {}
    for transition in transitions:
        for item in transition.inputs:
            seen.setdefault(item.name, item)
    return list(seen.values())


def lead_times() -> tuple[tuple[str, tuple[str, ...], str, str], ...]:
    """(key, the rows whose first step ends the interval, Dutch label, English label)."""
    found: dict[str, tuple[list[str], LeadTime]] = {}
    for t in TRANSITIONS:
        if t.lead_time is not None:
            found.setdefault(t.lead_time.key, ([], t.lead_time))[0].append(t.name)
    return tuple((key, tuple(names), lt.nl, lt.en) for key, (names, lt) in found.items())
