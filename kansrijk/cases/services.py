"""The only code that writes case data (house rule 1). Every function takes the acting
professional as `by=`, checks the permission matrix, writes its access-log entry in the
same transaction, and schedules side effects with on_commit."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kansrijk.access.matrix import SIGNALLING_ROLES, Action
from kansrijk.access.policies import can, granting_roles, may_own_action, memberships_of
from kansrijk.access.roles import ESCALATION_ROLES, Role
from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access
from kansrijk.cases import hooks
from kansrijk.cases.errors import CaseError, NotFound, TransitionRefused
from kansrijk.cases.models import (
    Case,
    CaseMember,
    Child,
    ContactPersonAssignment,
    FamilyContact,
    Goal,
    Note,
    PlanAction,
    PlanVersion,
    Referral,
    Signal,
    Step,
)
from kansrijk.cases.workflow import (
    BY_NAME,
    CaseState,
    ConsentAnswer,
    Transition,
)
from kansrijk.core.models import Membership, Organisation, Professional


def _log_write(by: Professional, case: Case, detail: str, child_id: int | None = None) -> None:
    log_access(
        by=by,
        event=Event.WRITE,
        purpose="zorgroute",
        case_id=case.pk,
        family_id=case.family_id,
        child_id=child_id,
        detail=detail,
    )


def _professional_at(location_id: int, role: Role) -> Professional | None:
    membership = (
        Membership.objects.filter(location_id=location_id, role=role, professional__is_active=True)
        .select_related("professional")
        .order_by("id")
        .first()
    )
    return membership.professional if membership else None


def _add_member(case: Case, professional: Professional, role: Role) -> None:
    CaseMember.objects.get_or_create(case=case, professional=professional, role=role)


def _assign_contact_person(case: Case, professional: Professional, *, by: Professional) -> None:
    """The family's one contact person changes; the new one hears it at once (by mail too)."""
    from kansrijk.notifications.services import notify

    now = timezone.now()
    ContactPersonAssignment.objects.filter(case=case, ended_at__isnull=True).update(ended_at=now)
    ContactPersonAssignment.objects.create(
        case=case, professional=professional, started_at=now, assigned_by=by
    )
    case.contact_person = professional
    if professional != by:
        notify(
            to=professional,
            subject=_("You are now the contact person for case %(number)s") % {"number": case.pk},
            url=reverse("cases:case_detail", args=[case.pk]),
        )


def _step(
    case: Case,
    *,
    by: Professional,
    role: Role,
    name: str,
    source: str,
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> Step:
    now = timezone.now()
    case.last_step_at = now
    return Step.objects.create(
        case=case,
        transition=name,
        from_state=source,
        to_state=case.state,
        by=by,
        role=role,
        at=now,
        comment=comment,
        data=data or {},
    )


# --- signals -------------------------------------------------------------------------------


def signal_create(
    *,
    by: Professional,
    child: Child,
    domain: str,
    urgency: str,
    description: str,
    safety_concern: bool = False,
    parents_agree: bool = False,
) -> Signal:
    """File a signal; it opens the family's case or joins the one that is open (seed 001).
    Concerns about safety at home put the case at P1 on the safety route (kansrijk.safety).
    Only a pupil the user may pick (access.policies.pupil_pick) can be signalled.
    A childcare signal goes to the child centre's GS, the CJG nurse and the childcare's
    district-team contact (kansrijk.early_years), once the parents agreed to that."""
    from kansrijk.cases.selectors import pupils_for_signal
    from kansrijk.core.models import Location

    signalling = [m for m in memberships_of(by) if m.role in SIGNALLING_ROLES]
    membership = next(
        (m for m in signalling if m.location_id == child.location_id),
        signalling[0] if signalling else None,
    )
    if (
        membership is None
        or child.location_id is None
        or not pupils_for_signal(by, searchable=True).filter(pk=child.pk).exists()
    ):
        raise NotFound
    if not description.strip():
        raise CaseError(_("Describe what you noticed."), field="description")
    routing = None
    if child.location is not None and child.location.kind == Location.Kind.CHILDCARE:
        from kansrijk.early_years.routing import childcare_routing

        if not (parents_agree or safety_concern):
            raise CaseError(
                _(
                    "Discuss your concern with the parents first: the signal goes to the CJG "
                    "and the district team once they agree."
                ),
                field="parents_agree",
            )
        routing = childcare_routing(child.location_id)
    with transaction.atomic():
        case = (
            Case.objects.select_for_update()
            .filter(family_id=child.family_id)
            .exclude(state=CaseState.CLOSED)
            .first()
        )
        priority = Case.Priority.HIGH if urgency == Signal.Urgency.HIGH else Case.Priority.NORMAL
        if safety_concern:
            priority = Case.Priority.SAFETY
        opened = case is None
        if case is None:
            centre_id = child.location_id
            coach = _professional_at(child.location_id, Role.INTERNAL_COACH) or by
            if routing is not None:
                centre_id = routing.child_centre_id or child.location_id
                coach = routing.contact or _professional_at(centre_id, Role.INTERNAL_COACH) or coach
            case = Case.objects.create(
                family_id=child.family_id,
                location_id=centre_id,
                contact_person=coach,
                priority=priority,
            )
            ContactPersonAssignment.objects.create(case=case, professional=coach, assigned_by=by)
            if coach != by and routing is None:
                _add_member(case, coach, Role.INTERNAL_COACH)
        elif priority < case.priority:
            case.priority = priority
        signal = Signal.objects.create(
            case=case,
            child=child,
            author=by,
            author_role=membership.role,
            location_id=child.location_id,
            domain=domain,
            urgency=urgency,
            description=description.strip(),
            safety_concern=safety_concern,
        )
        _step(
            case,
            by=by,
            role=Role(membership.role),
            name="open" if opened else "signal_joined",
            source=case.state,
            data={"signal": signal.pk, "child": child.pk},
        )
        if routing is not None:
            from kansrijk.early_years.services import childcare_signal_filed

            childcare_signal_filed(by=by, case=case, signal=signal, routing=routing)
        if safety_concern:
            from kansrijk.safety.services import safety_signal_filed

            safety_signal_filed(by=by, case=case, signal=signal)
        case.save()
        _log_write(by, case, f"signal {signal.pk}", child_id=child.pk)
        hooks.signal_filed(case=case, signal=signal, by=by)  # e.g. the match register
    return signal


# --- transitions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    transition: Transition
    reason: str


def _acting_role(by: Professional, case: Case, transition: Transition) -> Role:
    roles = granting_roles(by, case, Action.TRANSITION) & transition.roles
    if not roles:
        if not can(by, Action.SUMMARY, case):
            raise NotFound
        raise TransitionRefused(_("Your role may not take this step."))
    return sorted(roles)[0]


def case_transition(
    *,
    by: Professional,
    case_id: int,
    name: str,
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> Step:
    """Apply one row of the transition table under a row lock, writing exactly one step."""
    data = dict(data or {})
    data["comment"] = comment
    transition = BY_NAME.get(name)
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            raise NotFound
        if transition is None:
            if not can(by, Action.SUMMARY, case):
                raise NotFound
            raise TransitionRefused(_("Unknown step: %(name)s.") % {"name": name})
        role = _acting_role(by, case, transition)
        if case.state not in transition.sources:
            raise TransitionRefused(
                _("This step is not possible while the case is '%(state)s'.")
                % {"state": CaseState(case.state).label}
            )
        reason = transition.refusal(case, data)
        if reason:
            raise TransitionRefused(str(reason))
        source = case.state
        case.state = transition.target
        recorded = _apply_effects(case, transition, by=by, data=data)
        step = _step(
            case,
            by=by,
            role=role,
            name=transition.name,
            source=source,
            comment=comment.strip(),
            data=recorded,
        )
        case.save()
        _log_write(by, case, f"transition {transition.name}")
        if case.state == CaseState.CLOSED:
            hooks.case_closed(case=case, by=by)  # e.g. the match register
    return step


def _apply_effects(
    case: Case, transition: Transition, *, by: Professional, data: dict[str, Any]
) -> dict[str, Any]:
    """What a transition does besides changing the state; returns what the step records."""
    from kansrijk.consent.services import consent_record_for_case
    from kansrijk.early_years.route import EFFECTS as EARLY_YEARS_EFFECTS

    name = transition.name
    if name == "ask_consent":  # the question also waits for the parents in the portal
        from kansrijk.consent.services import consent_requests_open

        return {"consent_requests": consent_requests_open(case=case, by=by)}
    if name in EARLY_YEARS_EFFECTS:
        return EARLY_YEARS_EFFECTS[name](case, by=by, data=data)
    if name in {"consent_given", "consent_refused"}:
        answer = ConsentAnswer.GIVEN if name == "consent_given" else ConsentAnswer.REFUSED
        consent_record_for_case(
            case=case,
            by=by,
            answer=answer,
            method=data.get("method") or "verbal",
            guardian_id=data.get("guardian"),
            by_child=bool(data.get("by_child")),
        )
        if answer == ConsentAnswer.GIVEN:
            for role in (Role.EDUCATION_SPECIALIST, Role.FAMILY_SPECIALIST):
                member = _professional_at(case.location_id, role)
                if member is not None:
                    _add_member(case, member, role)
        return {"consent": answer.value, "method": data.get("method") or "verbal"}
    if name == "check_district_team":
        return {
            "district_team_check": data["district_team_check"],
            "known_to": (data.get("known_to") or "").strip(),
        }
    if name == "start_support":
        if case.contact_person_id != by.pk:
            _assign_contact_person(case, by, by=by)
        _add_member(case, by, Role.FAMILY_SPECIALIST)
        return {"contact_person": by.pk}
    if name == "escalate":
        return _escalate(case, by=by, data=data)
    if name == "close":
        case.outcome = data["outcome"]
        case.closed_at = timezone.now()
        return {"outcome": data["outcome"]}
    return {}


def _ask_referral_consent(
    case: Case, organisation: Organisation, *, by: Professional, data: dict[str, Any]
) -> None:
    """A referral is a disclosure: the consent service is asked first. Without consent in
    force or a legal ground, the parents' answer must be recorded with the escalation."""
    from kansrijk.consent.models import Purpose
    from kansrijk.consent.selectors import disclosure_allowed
    from kansrijk.consent.services import consent_record_for_case

    if disclosure_allowed(case, purpose=Purpose.REFERRAL, organisation=organisation).allowed:
        return
    method = data.get("referral_consent")
    if not method:
        raise TransitionRefused(
            _(
                "Ask the parents' consent for the referral to %(organisation)s first, "
                "or record a legal ground."
            )
            % {"organisation": organisation.name}
        )
    consent_record_for_case(
        case=case,
        by=by,
        answer=ConsentAnswer.GIVEN,
        method=method,
        guardian_id=data.get("guardian"),
        by_child=bool(data.get("by_child")),
        purpose=Purpose.REFERRAL,
        recipient=organisation,
    )


def _escalate(case: Case, *, by: Professional, data: dict[str, Any]) -> dict[str, Any]:
    target = Role(data["escalated_to"])
    assert target in ESCALATION_ROLES
    workers = Membership.objects.filter(role=target, professional__is_active=True).select_related(
        "professional", "organisation"
    )
    worker = workers.filter(location=case.location_id).first() or workers.order_by("id").first()
    if worker is not None:
        _ask_referral_consent(case, worker.organisation, by=by, data=data)
        Referral.objects.create(case=case, organisation=worker.organisation, target=target)
        _add_member(case, worker.professional, target)
    previous = case.plans.order_by("-number").first()
    plan = _new_plan_version(
        case,
        by=by,
        summary=previous.summary if previous else "",
        evaluation_date=previous.evaluation_date if previous else None,
        goals=[*(g.text for g in previous.goals.all()), data["plan_goal"].strip()]
        if previous
        else [data["plan_goal"].strip()],
        actions=[
            {"description": a.description, "owner": a.owner, "due_date": a.due_date, "done": a.done}
            for a in previous.actions.all()
        ]
        if previous
        else [],
    )
    return {
        "escalated_to": target.value,
        "worker": worker.professional_id if worker else None,
        "plan_version": plan.number,
    }


def contact_person_keep_in_sight(*, case: Case, by: Professional) -> bool:
    """After consent was withdrawn or refused, a contact person of an outside organisation may
    no longer see the case; the school's IB becomes the contact person again. Runs inside the
    caller's transaction; returns whether the contact person changed."""
    if can(case.contact_person, Action.SUMMARY, case):
        return False
    coach = _professional_at(case.location_id, Role.INTERNAL_COACH) or by
    _assign_contact_person(case, coach, by=by)
    case.save(update_fields=["contact_person"])
    return True


# --- plans, notes, contacts ----------------------------------------------------------------


def _new_plan_version(
    case: Case,
    *,
    by: Professional,
    summary: str,
    evaluation_date: datetime.date | None,
    goals: list[str],
    actions: list[dict[str, Any]],
) -> PlanVersion:
    latest = case.plans.order_by("-number").values_list("number", flat=True).first() or 0
    plan = PlanVersion.objects.create(
        case=case,
        number=latest + 1,
        summary=summary.strip(),
        evaluation_date=evaluation_date,
        created_by=by,
    )
    Goal.objects.bulk_create(
        Goal(plan=plan, text=text.strip(), position=index)
        for index, text in enumerate(g for g in goals if g.strip())
    )
    PlanAction.objects.bulk_create(
        PlanAction(
            plan=plan,
            description=action["description"].strip(),
            owner=action.get("owner"),
            due_date=action.get("due_date"),
            done=bool(action.get("done")),
            position=index,
        )
        for index, action in enumerate(a for a in actions if a["description"].strip())
    )
    _tell_new_owners(case, plan, by=by)
    for action in actions:
        owner = action.get("owner")
        if owner is not None and any(
            m.role == Role.TEACHER and m.location_id == case.location_id
            for m in owner.memberships.all()
        ):
            _add_member(case, owner, Role.TEACHER)
    return plan


def _tell_new_owners(case: Case, plan: PlanVersion, *, by: Professional) -> None:
    """Mail whoever became owner of an action in this version and was not in the previous one."""
    from kansrijk.notifications.services import notify

    previous = case.plans.filter(number=plan.number - 1).first()
    before = set(previous.actions.values_list("owner_id", "description")) if previous else set()
    for action in plan.actions.select_related("owner"):
        if (
            action.owner is None
            or action.owner == by
            or (action.owner_id, action.description) in before
        ):
            continue
        notify(
            to=action.owner,
            subject=_("New action for you in case %(number)s") % {"number": case.pk},
            body=action.description,
            url=reverse("cases:case_detail", args=[case.pk]),
        )


def plan_create_version(
    *,
    by: Professional,
    case_id: int,
    summary: str,
    evaluation_date: datetime.date | None,
    goals: list[str],
    actions: list[dict[str, Any]],
) -> PlanVersion:
    """A new version of the family's plan; earlier versions stay as they were."""
    if not any(g.strip() for g in goals):
        raise CaseError(_("A plan needs at least one goal."), field="goals")
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or not can(by, Action.EDIT, case):
            raise NotFound
        if not case.is_open:
            raise CaseError(_("This case is closed."))
        owners = {a["owner"] for a in actions if a.get("owner") is not None}
        if any(not may_own_action(owner, case) for owner in owners):
            raise CaseError(
                _("Choose an owner who works on this case or at its child centre."),
                field="actions",
            )
        plan = _new_plan_version(
            case,
            by=by,
            summary=summary,
            evaluation_date=evaluation_date,
            goals=goals,
            actions=actions,
        )
        case.last_step_at = timezone.now()
        case.save(update_fields=["last_step_at"])
        _log_write(by, case, f"plan version {plan.number}")
    return plan


def note_add(*, by: Professional, case_id: int, text: str) -> Note:
    if not text.strip():
        raise CaseError(_("A note cannot be empty."), field="text")
    with transaction.atomic():
        case = Case.objects.filter(pk=case_id).first()
        if case is None or not can(by, Action.EDIT, case):
            raise NotFound
        note = Note.objects.create(case=case, author=by, text=text.strip())
        _log_write(by, case, f"note {note.pk}")
    return note


def family_contact_log(
    *,
    by: Professional,
    case_id: int,
    channel: str,
    summary: str,
    happened_at: datetime.datetime | None = None,
) -> FamilyContact:
    """Log a contact with the family (phone, WhatsApp, home visit …) on the case."""
    if channel not in FamilyContact.Channel.values:
        raise CaseError(_("Choose how you were in contact."), field="channel")
    if not summary.strip():
        raise CaseError(_("Summarise the contact."), field="summary")
    with transaction.atomic():
        case = Case.objects.filter(pk=case_id).first()
        if case is None or not can(by, Action.EDIT, case):
            raise NotFound
        if not case.is_open:
            raise CaseError(_("This case is closed."))
        contact = FamilyContact.objects.create(
            case=case,
            by=by,
            channel=channel,
            summary=summary.strip(),
            happened_at=happened_at or timezone.now(),
        )
        case.last_step_at = timezone.now()
        case.save(update_fields=["last_step_at"])
        _log_write(by, case, f"family contact {contact.pk}")
    return contact


def plan_action_set_done(*, by: Professional, action_id: int, done: bool) -> PlanAction:
    """The owner, or whoever may edit the case, ticks an action off."""
    with transaction.atomic():
        action = PlanAction.objects.select_related("plan__case").filter(pk=action_id).first()
        if action is None:
            raise NotFound
        case = action.plan.case
        if action.owner_id != by.pk and not can(by, Action.EDIT, case):
            raise NotFound
        action.done = done
        action.save(update_fields=["done"])
        _log_write(by, case, f"plan action {action.pk} done={done}")
    return action


# --- hand-over when a professional leaves (issue 11) -----------------------------------------


def _may_hand_over(by: Professional, case: Case) -> bool:
    """The functional administrator hands over a leaver's work without seeing the case;
    whoever may edit the case may hand it over too."""
    return Role.ADMINISTRATOR in {m.role for m in memberships_of(by)} or can(by, Action.EDIT, case)


def contact_person_hand_over(*, by: Professional, case_id: int, to: Professional) -> Case:
    """Another professional becomes the family's contact person, e.g. when the current one
    leaves. No step on the route (the state does not change); the history is kept in
    ContactPersonAssignment and the change is in the access log."""
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or not _may_hand_over(by, case):
            raise NotFound
        if not case.is_open:
            raise CaseError(_("This case is closed."))
        if not to.is_active:
            raise CaseError(_("Choose someone who still works here."), field="to")
        if case.contact_person_id != to.pk:
            previous = case.contact_person_id
            _assign_contact_person(case, to, by=by)
            case.save(update_fields=["contact_person"])
            _log_write(by, case, f"contact person handed over: {previous} -> {to.pk}")
    return case


def plan_action_hand_over(*, by: Professional, action_id: int, to: Professional) -> PlanAction:
    """Another professional becomes the owner of an open plan action (a leaver's work)."""
    from kansrijk.notifications.services import notify

    with transaction.atomic():
        action = (
            PlanAction.objects.select_for_update()
            .select_related("plan__case")
            .filter(pk=action_id)
            .first()
        )
        if action is None or not _may_hand_over(by, action.plan.case):
            raise NotFound
        if not to.is_active:
            raise CaseError(_("Choose someone who still works here."), field="to")
        previous = action.owner_id
        action.owner = to
        action.save(update_fields=["owner"])
        case = action.plan.case
        _log_write(by, case, f"plan action {action.pk} handed over: {previous} -> {to.pk}")
        if to != by:
            notify(
                to=to,
                subject=_("You now own an action in case %(number)s") % {"number": case.pk},
                url=reverse("cases:case_detail", args=[case.pk]),
            )
    return action
