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
from kansrijk.access.roles import Role
from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access
from kansrijk.cases import hooks
from kansrijk.cases.effects import (
    add_member,
    assign_contact_person,
    new_plan_version,
    professional_at,
    referral_answered,
    retire_actions,
)
from kansrijk.cases.errors import CaseError, NotFound, TransitionRefused
from kansrijk.cases.models import (
    Case,
    Child,
    ContactPersonAssignment,
    Family,
    FamilyContact,
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
    Transition,
)
from kansrijk.core.models import Professional


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


def _open_case_locked(family_id: int) -> Case | None:
    """The family's open case, locked for this transaction, with what the hooks read (the
    match register: organisation and contact person)."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("location__organisation", "contact_person")
        .filter(family_id=family_id)
        .exclude(state=CaseState.CLOSED)
        .first()
    )


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
        case = _open_case_locked(child.family_id)
        if case is None:
            # Two signals about a family at once (two teachers, siblings) each found no open
            # case, and the second new case broke the one-open-case rule. The family is
            # locked, then asked again: the second waits and joins the case the first opened.
            # NO KEY: a row that refers to the family (a guardian) may be written meanwhile.
            family = Family.objects.select_for_update(no_key=True).filter(pk=child.family_id)
            list(family.values("pk"))
            case = _open_case_locked(child.family_id)
        priority = Case.Priority.HIGH if urgency == Signal.Urgency.HIGH else Case.Priority.NORMAL
        if safety_concern:
            priority = Case.Priority.SAFETY
        opened = case is None
        if case is None:
            centre_id = child.location_id
            coach = professional_at(child.location_id, Role.INTERNAL_COACH) or by
            if routing is not None:
                centre_id = routing.child_centre_id or child.location_id
                coach = routing.contact or professional_at(centre_id, Role.INTERNAL_COACH) or coach
            case = Case.objects.create(
                family_id=child.family_id,
                location_id=centre_id,
                contact_person=coach,
                priority=priority,
            )
            ContactPersonAssignment.objects.create(case=case, professional=coach, assigned_by=by)
            if coach != by and routing is None:
                add_member(case, coach, Role.INTERNAL_COACH)
        elif priority < case.priority:
            case.priority = priority
        signal = Signal.objects.create(
            case=case,
            child=child,
            author=by,
            author_role=membership.role,
            location_id=child.location_id,
            at_case_location=child.location_id == case.location_id,
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
        recorded = transition.effect(case, by, data) if transition.effect else {}
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
            retire_actions(case)  # its plan's actions are no one's work now
            hooks.case_closed(case=case, by=by)  # e.g. the match register
    return step


def referral_answer(
    *, by: Professional, referral_id: int, accept: bool, reason: str = ""
) -> Referral:
    """The receiving organisation answers a referral: a worker of the referred function
    accepts it (and becomes the one worker with access, cases.relations) or returns it
    with a reason. The case's contact person is told which."""
    from kansrijk.notifications.services import notify

    if not accept and not reason.strip():
        raise CaseError(_("Say why you return the referral."), field="reason")
    if "\x00" in reason:
        raise CaseError(_("The text contains a character that is not allowed."), field="reason")
    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update()
            .select_related("case", "organisation")
            .filter(pk=referral_id)
            .first()
        )
        if referral is None or not any(
            m.role == referral.target and m.organisation_id == referral.organisation_id
            for m in memberships_of(by)
        ):
            raise NotFound
        if referral.worker_id is not None and referral.worker_id != by.pk:
            raise NotFound
        if referral.answer != Referral.Answer.PENDING:
            raise CaseError(_("This referral was already answered."))
        referral.answer = Referral.Answer.ACCEPTED if accept else Referral.Answer.RETURNED
        referral.answer_reason = reason.strip()
        referral.answered_at = timezone.now()
        if accept:
            referral.worker = by
        referral.save()
        referral_answered(referral, by)
        case = referral.case
        _log_write(by, case, f"referral {referral.pk} {referral.answer}")
        if case.contact_person_id != by.pk:
            notify(
                to=case.contact_person,
                subject=(
                    _("%(organisation)s accepted the referral of case %(number)s")
                    if accept
                    else _("%(organisation)s returned the referral of case %(number)s")
                )
                % {"organisation": referral.organisation.name, "number": case.pk},
                body=referral.answer_reason,
                url=reverse("cases:case_detail", args=[case.pk]),
            )
    return referral


def contact_person_keep_in_sight(*, case: Case, by: Professional) -> bool:
    """After consent was withdrawn or refused, a contact person of an outside organisation may
    no longer see the case; the school's IB becomes the contact person again. Runs inside the
    caller's transaction; returns whether the contact person changed."""
    if can(case.contact_person, Action.SUMMARY, case):
        return False
    coach = professional_at(case.location_id, Role.INTERNAL_COACH) or by
    assign_contact_person(case, coach, by=by)
    case.save(update_fields=["contact_person"])
    return True


# --- plans, notes, contacts ----------------------------------------------------------------


def plan_create_version(
    *,
    by: Professional,
    case_id: int,
    summary: str,
    evaluation_date: datetime.date | None,
    goals: list[str],
    actions: list[dict[str, Any]],
    as_of: datetime.date | None = None,
) -> PlanVersion:
    """A new version of the family's plan; earlier versions stay as they were. An evaluation
    date in the past is refused unless the current version already had it (issue 14);
    `as_of` is the day the plan is made (today; the demo writes history)."""
    if not any(g.strip() for g in goals):
        raise CaseError(_("A plan needs at least one goal."), field="goals")
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or not can(by, Action.EDIT, case):
            raise NotFound
        if not case.is_open:
            raise CaseError(_("This case is closed."))
        current = case.plans.order_by("-number").values_list("evaluation_date", flat=True)
        if (
            evaluation_date is not None
            and evaluation_date < (as_of or timezone.localdate())
            and evaluation_date != current.first()
        ):
            raise CaseError(
                _("The evaluation date lies in the past: choose a day from today on."),
                field="evaluation_date",
            )
        owners = {a["owner"] for a in actions if a.get("owner") is not None}
        if any(not may_own_action(owner, case) for owner in owners):
            raise CaseError(
                _("Choose an owner who works on this case or at its child centre."),
                field="actions",
            )
        plan = new_plan_version(
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
            assign_contact_person(case, to, by=by)
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
