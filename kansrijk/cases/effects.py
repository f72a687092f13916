"""What a step of the route does besides changing the state: one function per row of the
transition table (cases.workflow), and the small writes they share with cases.services.

An effect runs inside `cases.services.case_transition`'s transaction, under the case's row
lock, after the guards passed. It returns what the step records in `Step.data`.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kansrijk.access.roles import ESCALATION_ROLES, Role
from kansrijk.cases.errors import TransitionRefused
from kansrijk.cases.models import (
    Case,
    CaseMember,
    ContactPersonAssignment,
    Goal,
    PlanAction,
    PlanVersion,
    Referral,
)
from kansrijk.cases.states import CaseState, ConsentAnswer, DistrictTeamCheck, Outcome
from kansrijk.core.models import Membership, Organisation, Professional

#: A Dutch postcode anywhere in an address ("Westlandseweg 12, 3131 AB Vlaardingen").
POSTCODE = re.compile(r"\b\d{4}\s?[A-Z]{2}\b")

# --- shared writes ---------------------------------------------------------------------------


def professional_at(location_id: int, role: Role) -> Professional | None:
    membership = (
        Membership.objects.filter(location_id=location_id, role=role, professional__is_active=True)
        .select_related("professional")
        .order_by("id")
        .first()
    )
    return membership.professional if membership else None


def add_member(
    case: Case | int, professional: Professional, role: str, referral: Referral | None = None
) -> None:
    """On the support team (once); `referral`: the referral they joined for by accepting it,
    unless they were on the team already."""
    case_id = case if isinstance(case, int) else case.pk
    CaseMember.objects.get_or_create(
        case_id=case_id, professional=professional, role=role, defaults={"referral": referral}
    )


def referral_answered(referral: Referral, by: Professional) -> None:
    """The support team after a referral's answer: the worker who accepts it joins the team
    for it (the escalation put nobody on it: work on the family's file starts with taking the
    referral, need-to-know). A worker put on the team for the referral before (an escalation
    of an earlier version) stays only if they accepted it themselves, and is told when a
    colleague's answer takes them off."""
    from kansrijk.notifications.services import notify

    accepted = referral.answer == Referral.Answer.ACCEPTED
    leaving = CaseMember.objects.filter(referral=referral)
    if accepted:
        leaving = leaving.exclude(professional=by)
    told = [m.professional for m in leaving.select_related("professional") if m.professional != by]
    leaving.delete()
    if accepted:
        add_member(referral.case_id, by, referral.target, referral)
    if told:  # the worker the escalation named learns why the case left their work
        subject = (
            _("A colleague accepted the referral of case %(number)s: it is theirs now")
            if accepted
            else _("The referral of case %(number)s was returned: you are off its support team")
        )
        notify(to=told, subject=subject % {"number": referral.case_id})


def assign_contact_person(case: Case, professional: Professional, *, by: Professional) -> None:
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


def retire_actions(case: Case) -> None:
    """The case's plan actions are no longer live (`PlanAction.live`): a newer plan version
    replaces them, or the case closes."""
    PlanAction.objects.filter(plan__case=case, live=True).update(live=False)


def retire_all_actions() -> int:
    """`retire_actions` for every case at once, for rows written without the services (the
    benchmark's region): the actions of closed cases and of replaced versions."""
    newest = PlanVersion.objects.filter(case=OuterRef("plan__case")).order_by("-number")
    replaced = ~Q(plan__number=Subquery(newest.values("number")[:1]))
    dead = PlanAction.objects.filter(Q(plan__case__state=CaseState.CLOSED) | replaced)
    return dead.filter(live=True).update(live=False)


def new_plan_version(
    case: Case,
    *,
    by: Professional,
    summary: str,
    evaluation_date: datetime.date | None,
    goals: list[str],
    actions: list[dict[str, Any]],
) -> PlanVersion:
    latest = case.plans.order_by("-number").values_list("number", flat=True).first() or 0
    retire_actions(case)  # the new version's actions replace them
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
            add_member(case, owner, Role.TEACHER)
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


def plan_version_adding_goal(case: Case, *, by: Professional, goal: str) -> PlanVersion:
    """A new plan version: the current one with one goal added (a tailored plan)."""
    previous = case.plans.order_by("-number").first()
    if previous is None:
        return new_plan_version(
            case, by=by, summary="", evaluation_date=None, goals=[goal.strip()], actions=[]
        )
    return new_plan_version(
        case,
        by=by,
        summary=previous.summary,
        evaluation_date=previous.evaluation_date,
        goals=[*(g.text for g in previous.goals.all()), goal.strip()],
        actions=[
            {"description": a.description, "owner": a.owner, "due_date": a.due_date, "done": a.done}
            for a in previous.actions.all()
        ],
    )


# --- one effect per row ------------------------------------------------------------------------


def consent_asked(case: Case, by: Professional, data: dict[str, Any]) -> dict[str, Any]:
    """The question also waits for the parents in the portal (kansrijk.portal)."""
    from kansrijk.consent.services import consent_requests_open

    return {"consent_requests": consent_requests_open(case=case, by=by)}


def _record_consent(
    case: Case, by: Professional, data: dict[str, Any], answer: ConsentAnswer
) -> dict[str, Any]:
    from kansrijk.consent.services import consent_record_for_case

    consent_record_for_case(
        case=case,
        by=by,
        answer=answer,
        method=data.get("method") or "verbal",
        guardian_id=data.get("guardian"),
        by_child=bool(data.get("by_child")),
    )
    return {"consent": answer.value, "method": data.get("method") or "verbal"}


def consent_given(case: Case, by: Professional, data: dict[str, Any]) -> dict[str, Any]:
    """The pupil goes on the attention list; the SWV and GS of the school join the case."""
    from kansrijk.attention.services import entry_from_route

    recorded = _record_consent(case, by, data, ConsentAnswer.GIVEN)
    for role in (Role.EDUCATION_SPECIALIST, Role.FAMILY_SPECIALIST):
        member = professional_at(case.location_id, role)
        if member is not None:
            add_member(case, member, role)
    entry_from_route(case, by=by)
    return recorded


def consent_refused(case: Case, by: Professional, data: dict[str, Any]) -> dict[str, Any]:
    return _record_consent(case, by, data, ConsentAnswer.REFUSED)


def district_team_checked(case: Case, by: Professional, data: dict[str, Any]) -> dict[str, Any]:
    """Seed 001 step 2: a family already known to a district team is aligned with that team's
    worker, who joins the support team and is told; the agreed approach is a plan version."""
    from kansrijk.notifications.services import notify

    if data["district_team_check"] != DistrictTeamCheck.ALREADY_KNOWN:
        return {"district_team_check": data["district_team_check"]}
    team = Organisation.objects.filter(
        pk=data["known_team"], kind=Organisation.Kind.DISTRICT_TEAM
    ).first()
    if team is None:
        raise TransitionRefused(_("Choose the district team that knows the family."))
    worker = (
        Professional.objects.filter(
            pk=data["known_worker"],
            is_active=True,
            memberships__organisation=team,
            memberships__role=Role.DISTRICT_TEAM,
        )
        .distinct()
        .first()
    )
    if worker is None:
        raise TransitionRefused(
            _("Choose a worker of %(team)s who knows the family.") % {"team": team.name}
        )
    add_member(case, worker, Role.DISTRICT_TEAM)
    plan = plan_version_adding_goal(case, by=by, goal=data["approach"][:500])
    if worker != by:
        notify(
            to=worker,
            subject=_("You are now in the support team of case %(number)s") % {"number": case.pk},
            body=_("%(name)s found the family known to you; the agreed approach is in the plan.")
            % {"name": by.get_full_name() or by.username},
            url=reverse("cases:case_detail", args=[case.pk]),
        )
    return {
        "district_team_check": data["district_team_check"],
        "known_team": team.pk,
        "known_to": f"{team.name}, {worker.get_full_name() or worker.username}",
        "known_worker": worker.pk,
        "plan_version": plan.number,
    }


def support_started(case: Case, by: Professional, data: dict[str, Any]) -> dict[str, Any]:
    """The family specialist who starts becomes the family's contact person."""
    if case.contact_person_id != by.pk:
        assign_contact_person(case, by, by=by)
    add_member(case, by, Role.FAMILY_SPECIALIST)
    return {"contact_person": by.pk}


def closed(case: Case, by: Professional, data: dict[str, Any]) -> dict[str, Any]:
    case.outcome = data["outcome"]
    case.closed_at = timezone.now()
    return {"outcome": data["outcome"]}


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


def escalated(case: Case, by: Professional, data: dict[str, Any]) -> dict[str, Any]:
    """Refer to the chosen specialism (consent first) with a tailored plan version."""
    target = Role(data["escalated_to"])
    assert target in ESCALATION_ROLES
    workers = Membership.objects.filter(role=target, professional__is_active=True).select_related(
        "professional", "organisation"
    )
    worker = workers.filter(location=case.location_id).first() or workers.order_by("id").first()
    if target == Role.DISTRICT_TEAM:
        own = family_district_team(case)
        if own is not None:
            worker = workers.filter(organisation=own).order_by("id").first() or worker
    if worker is not None:
        _ask_referral_consent(case, worker.organisation, by=by, data=data)
        Referral.objects.create(case=case, organisation=worker.organisation, target=target)
        # Not on the support team yet: while the referral stands, the referred function may
        # read the case to decide (REFERRAL_RECIPIENT); whoever accepts it joins the team
        # (`referral_answered`). The worker the escalation picks is only told.
        if worker.professional != by:
            from kansrijk.notifications.services import notify

            notify(
                to=worker.professional,
                subject=_("A referral of case %(number)s awaits your answer") % {"number": case.pk},
                body=data["plan_goal"].strip(),
                url=reverse("cases:referrals"),
            )
    plan = plan_version_adding_goal(case, by=by, goal=data["plan_goal"])
    return {
        "escalated_to": target.value,
        "worker": worker.professional_id if worker else None,
        "plan_version": plan.number,
    }


def family_district_team(case: Case) -> Organisation | None:
    """The district team that serves the family's postcode area (seed 003/004: Vlaardingen
    has four), from the postcode in the family's address."""
    from kansrijk.core.selectors import district_team_for

    match = POSTCODE.search(case.family.address or "")
    return district_team_for(match.group(0)) if match else None


def family_district_team_worker(case: Case) -> Professional | None:
    """A worker of the family's own district team, else of any district team."""
    team = family_district_team(case)
    workers = Membership.objects.filter(
        role=Role.DISTRICT_TEAM, professional__is_active=True
    ).select_related("professional")
    found = (workers.filter(organisation=team) if team else workers).order_by("id").first()
    return found.professional if found else None


def advice_given(case: Case, by: Professional, data: dict[str, Any]) -> dict[str, Any]:
    """Advice was enough (seed 003): the case closes with that outcome."""
    return closed(case, by, {**data, "outcome": Outcome.ADVICE_GIVEN})


def closed_after_report(case: Case, by: Professional, data: dict[str, Any]) -> dict[str, Any]:
    return closed(case, by, {**data, "outcome": Outcome.VEILIG_THUIS})


def support_with_district_team(
    case: Case, by: Professional, data: dict[str, Any]
) -> dict[str, Any]:
    """After the report the support goes on with the family's district team, who is told."""
    from kansrijk.notifications.services import notify

    worker = family_district_team_worker(case)
    if worker is not None:
        add_member(case, worker, Role.DISTRICT_TEAM)
        if worker != by:
            notify(
                to=worker,
                subject=_("You are now in the support team of case %(number)s")
                % {"number": case.pk},
                url=reverse("cases:case_detail", args=[case.pk]),
            )
    return {"district_team_worker": worker.pk if worker else None}


def veilig_thuis_answered(case: Case, by: Professional, data: dict[str, Any]) -> dict[str, Any]:
    return {"veilig_thuis_answer": data["veilig_thuis_answer"].strip()}
