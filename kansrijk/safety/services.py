"""The only code that writes the safety route (house rule 1): the meldcode and its report to
Veilig Thuis, contact attempts and the non-response flag, the joint list of vulnerable
families, the community officer's involvement, childcare contacts and break-the-glass.

Every function takes the acting professional as `by=`, checks the matrix, writes its
access-log entry in the same transaction and leaves mail to `notify` (after commit). Mails
name no child: only the centre, the case number and a link behind the login.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kansrijk.access.matrix import SIGNALLING_ROLES, VULNERABLE_LIST_ROLES, Action
from kansrijk.access.policies import can, memberships_of, roles_of
from kansrijk.access.roles import Role
from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.models import Case, CaseMember, Child, Signal
from kansrijk.cases.workflow import OPEN_STATES
from kansrijk.core.models import Location, Membership, Professional
from kansrijk.safety import selectors
from kansrijk.safety.models import (
    WEIGHING_QUESTIONS,
    ChildcareContact,
    ContactAttempt,
    Decision,
    EmergencyAccess,
    Meldcode,
    MeldcodeStep,
    MeldcodeStepNumber,
    NonResponseFlag,
    VeiligThuisReport,
    VulnerableFamily,
)

#: How long a break-the-glass grant lasts.
EMERGENCY_ACCESS_DURATION = datetime.timedelta(hours=1)
MAX_SUMMARY = 4000
ANSWERS = frozenset({"yes", "no"})


def _text(value: str, *, field: str, message: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise CaseError(message, field=field)
    if "\x00" in value:
        raise CaseError(_("The text contains a character that is not allowed."), field=field)
    if len(value) > limit:
        raise CaseError(_("Keep it under %(limit)s characters.") % {"limit": limit}, field=field)
    return value


def _meldcode_url(case: Case) -> str:
    return reverse("safety:meldcode", args=[case.pk])


def _log(by: Professional, case: Case, purpose: str, detail: str) -> None:
    log_access(
        by=by,
        event=Event.WRITE,
        purpose=purpose,
        case_id=case.pk,
        family_id=case.family_id,
        detail=detail,
    )


def _worker_role(by: Professional, case: Case) -> Role:
    """The role in which `by` takes meldcode steps; NotFound for those who may not see the
    case at all, a refusal for those who see it but may not act on it."""
    roles = selectors.worker_roles(by, case)
    if not roles:
        if not can(by, Action.SUMMARY, case):
            raise NotFound
        raise CaseError(_("Your role may not take meldcode steps on this case."))
    return sorted(roles)[0]


def _locked_case(case_id: int) -> Case:
    case = Case.objects.select_for_update().select_related("location").filter(pk=case_id).first()
    if case is None:
        raise NotFound
    return case


def _ensure_sharing_basis(
    case: Case, organisation_id: int, *, by: Professional, explanation: str
) -> None:
    """A professional of another organisation sees the case through the support team only
    with consent or a recorded legal ground; on the safety route the meldcode is that
    ground (DESIGN §2), recorded here so the coordinator can see it."""
    from kansrijk.consent.models import LegalGround, Purpose
    from kansrijk.consent.selectors import disclosure_allowed
    from kansrijk.core.models import Organisation

    organisation = Organisation.objects.get(pk=organisation_id)
    if disclosure_allowed(case, purpose=Purpose.DISCUSS_IN_VOT, organisation=organisation).allowed:
        return
    LegalGround.objects.create(
        case=case,
        organisation=organisation,
        ground=LegalGround.Ground.MELDCODE,
        explanation=explanation,
        recorded_by=by,
    )


def _involve(
    case: Case,
    professional: Professional,
    *,
    by: Professional,
    reason: str,
    roles: tuple[Role, ...],
) -> None:
    """Put the professional on the case's support team in the first of `roles` they hold."""
    membership = (
        Membership.objects.filter(professional=professional, role__in=roles).order_by("id").first()
    )
    if membership is None:
        return
    _ensure_sharing_basis(case, membership.organisation_id, by=by, explanation=reason)
    CaseMember.objects.get_or_create(
        case=case, professional=professional, role=membership.role, defaults={"reason": reason}
    )


def _safety_team(case: Case) -> list[Professional]:
    """Who hears of a P1 safety case besides the coordinator: the family specialist of the
    location, and for childcare the district team's fixed contact."""
    team = selectors.family_specialists_at(case.location)
    contact = selectors.childcare_contact_for(case.location_id)
    if contact is not None:
        team.append(contact)
    return list(dict.fromkeys(team))


def _p1_subject(case: Case) -> str:
    return _("A P1 safety signal at %(centre)s, case %(number)s") % {
        "centre": case.location.name,
        "number": case.pk,
    }


def _open_meldcode(case: Case, *, by: Professional, reason: str) -> Meldcode:
    """Put the case on the safety route at P1 with an open meldcode, the family specialist
    (and childcare contact) on its team, and tell them and the coordinator at once."""
    case.priority = Case.Priority.SAFETY
    case.route = Case.Route.SAFETY
    meldcode = Meldcode.objects.filter(case=case, finished_at__isnull=True).first()
    if meldcode is None:
        meldcode = Meldcode.objects.create(case=case, started_by=by)
    team = _safety_team(case)
    for person in team:
        _involve(
            case, person, by=by, reason=reason, roles=(Role.FAMILY_SPECIALIST, Role.DISTRICT_TEAM)
        )
    from kansrijk.notifications.services import notify

    notify(
        to=[*selectors.coordinators_for(case.location), *team],
        subject=_p1_subject(case),
        url=_meldcode_url(case),
    )
    return meldcode


# --- the safety signal and the meldcode -----------------------------------------------------


def safety_signal_filed(*, by: Professional, case: Case, signal: Signal) -> Meldcode:
    """Called by cases.services.signal_create inside its transaction for a signal marked
    'concerns about safety at home': P1, safety route, meldcode at step 1, alerts."""
    meldcode = _open_meldcode(case, by=by, reason=_("P1 safety signal: meldcode"))
    _log(by, case, "safety route", f"meldcode {meldcode.pk} opened by signal {signal.pk}")
    return meldcode


def meldcode_start(*, by: Professional, case_id: int) -> Meldcode:
    """Start the meldcode on a case that came in on the care route."""
    with transaction.atomic():
        case = _locked_case(case_id)
        _worker_role(by, case)
        if case.state not in OPEN_STATES:
            raise CaseError(_("This case is closed."))
        if Meldcode.objects.filter(case=case, finished_at__isnull=True).exists():
            raise CaseError(_("The meldcode is already open on this case."))
        meldcode = _open_meldcode(case, by=by, reason=_("Meldcode started"))
        case.last_step_at = timezone.now()
        case.save(update_fields=["priority", "route", "last_step_at"])
        _log(by, case, "meldcode", f"meldcode {meldcode.pk} started")
    return meldcode


def _must_report(answers: dict[str, str]) -> bool:
    """The afwegingskader: acute or structural unsafety, or help that cannot be given, is
    not accepted or does not work, means a report to Veilig Thuis."""
    return answers.get("q2") == "yes" or any(answers.get(q) == "no" for q in ("q3", "q4", "q5"))


def _clean_step(number: int, data: dict[str, Any], meldcode: Meldcode) -> dict[str, Any]:
    """What a step records besides its summary; refuses what the step needs but lacks."""
    if number == MeldcodeStepNumber.CONSULT:
        colleague = _text(
            data.get("colleague") or "",
            field="colleague",
            message=_("Say which colleague you consulted."),
            limit=200,
        )
        return {
            "colleague": colleague,
            "veilig_thuis_advice": bool(data.get("veilig_thuis_advice")),
        }
    if number == MeldcodeStepNumber.TALK:
        return {"parents": bool(data.get("parents")), "child": bool(data.get("child"))}
    if number == MeldcodeStepNumber.WEIGH:
        answers: dict[str, str] = {}
        for key, _question in WEIGHING_QUESTIONS:
            value = data.get(key) or ""
            if value not in ANSWERS:
                needed = key in {"q1", "q2"} or (answers["q1"] == "yes" and answers["q2"] == "no")
                if needed:
                    raise CaseError(
                        _("Answer question %(number)s.") % {"number": key[1:]}, field=key
                    )
                continue
            answers[key] = value
        return {"answers": answers}
    if number == MeldcodeStepNumber.DECIDE:
        decision = data.get("decision") or ""
        if decision not in Decision.values:
            raise CaseError(_("Choose your decision."), field="decision")
        weighed = meldcode.steps.filter(number=MeldcodeStepNumber.WEIGH).first()
        answers = weighed.data.get("answers", {}) if weighed else {}
        if decision == Decision.HELP and _must_report(answers):
            raise CaseError(
                _("The answers of step 4 call for a report to Veilig Thuis."), field="decision"
            )
        return {"decision": decision}
    return {}


def meldcode_step(
    *,
    by: Professional,
    case_id: int,
    number: int,
    summary: str,
    data: dict[str, Any] | None = None,
) -> MeldcodeStep:
    """Record one step of the meldcode, in order. Step 4's 'acute or structural unsafety'
    skips step 5: the report is due at once."""
    data = dict(data or {})
    if number not in MeldcodeStepNumber.values:
        raise CaseError(_("The meldcode has five steps."), field="number")
    summary = _text(
        summary, field="summary", message=_("Write down what you did and found."), limit=MAX_SUMMARY
    )
    with transaction.atomic():
        case = _locked_case(case_id)
        role = _worker_role(by, case)
        meldcode = (
            Meldcode.objects.select_for_update().filter(case=case, finished_at__isnull=True).first()
        )
        if meldcode is None:
            raise CaseError(_("There is no open meldcode on this case."))
        if meldcode.next_step > MeldcodeStepNumber.DECIDE:
            raise CaseError(_("All steps are done: record the report to Veilig Thuis."))
        if number != meldcode.next_step:
            raise CaseError(
                _("Take step %(number)s first.") % {"number": meldcode.next_step}
                if number > meldcode.next_step
                else _("This step has been recorded already.")
            )
        recorded = _clean_step(number, data, meldcode)
        step = MeldcodeStep.objects.create(
            meldcode=meldcode,
            number=number,
            by=by,
            role=role,
            summary=summary,
            data=recorded,
        )
        became_acute = False
        now = timezone.now()
        meldcode.next_step = number + 1
        if number == MeldcodeStepNumber.WEIGH:
            answers = recorded["answers"]
            if answers["q1"] == "no":
                meldcode.finished_at = now  # no suspicion: the meldcode ends, documented
            elif answers["q2"] == "yes":
                meldcode.acute = became_acute = True
                meldcode.decision = Decision.REPORT
                meldcode.next_step = MeldcodeStepNumber.DECIDE + 1
        if number == MeldcodeStepNumber.DECIDE:
            meldcode.decision = recorded["decision"]
            if meldcode.decision == Decision.HELP:
                meldcode.finished_at = now
        meldcode.save()
        case.last_step_at = now
        case.save(update_fields=["last_step_at"])
        _log(by, case, "meldcode", f"meldcode {meldcode.pk} step {number}")
        if became_acute:
            from kansrijk.notifications.services import notify

            notify(
                to=selectors.coordinators_for(case.location),
                subject=_(
                    "Acute unsafety at %(centre)s, case %(number)s: report to Veilig Thuis now"
                )
                % {"centre": case.location.name, "number": case.pk},
                url=_meldcode_url(case),
            )
    return step


def meldcode_report(
    *,
    by: Professional,
    case_id: int,
    reported_on: datetime.date,
    reference: str,
    note: str = "",
) -> VeiligThuisReport:
    """Record the report to Veilig Thuis. Possible at any step ('report now'): acute or
    structural unsafety does not wait for the other steps. On a case without a meldcode
    the report opens one, on the safety route."""
    reference = _text(
        reference,
        field="reference",
        message=_("Fill in the reference Veilig Thuis gave you."),
        limit=100,
    )
    if "\x00" in note or len(note) > MAX_SUMMARY:
        raise CaseError(_("The text contains a character that is not allowed."), field="note")
    if reported_on > timezone.localdate():
        raise CaseError(_("The date of the report cannot lie in the future."), field="reported_on")
    with transaction.atomic():
        case = _locked_case(case_id)
        _worker_role(by, case)
        meldcode = (
            Meldcode.objects.select_for_update().filter(case=case, finished_at__isnull=True).first()
        )
        if meldcode is None:
            if case.state not in OPEN_STATES:
                raise CaseError(_("This case is closed."))
            meldcode = _open_meldcode(case, by=by, reason=_("Report to Veilig Thuis"))
        acute = meldcode.acute or not meldcode.decision
        report = VeiligThuisReport.objects.create(
            meldcode=meldcode,
            case=case,
            reported_on=reported_on,
            reported_by=by,
            reference=reference,
            acute=acute,
            note=note.strip(),
        )
        now = timezone.now()
        meldcode.acute = acute
        meldcode.decision = meldcode.decision or Decision.REPORT
        meldcode.finished_at = now
        meldcode.save()
        case.last_step_at = now
        case.save(update_fields=["priority", "route", "last_step_at"])
        _log(
            by,
            case,
            "meldcode: report to Veilig Thuis",
            f"meldcode {meldcode.pk} report {report.pk}",
        )
        from kansrijk.notifications.services import notify

        notify(
            to=[p for p in selectors.coordinators_for(case.location) if p != by],
            subject=_("Case %(number)s at %(centre)s was reported to Veilig Thuis")
            % {"number": case.pk, "centre": case.location.name},
            url=_meldcode_url(case),
        )
    return report


# --- families that do not respond -----------------------------------------------------------


def contact_attempt_record(
    *,
    by: Professional,
    child_id: int,
    kind: str,
    happened_on: datetime.date | None = None,
    note: str = "",
) -> tuple[ContactAttempt, NonResponseFlag | None]:
    """School staff record an attempt to reach a family that got no answer. At the
    configured number of unanswered attempts the family is flagged to the coordinator."""
    child = Child.objects.select_related("location").filter(pk=child_id).first()
    if (
        child is None
        or child.location is None
        or not any(
            m.role in SIGNALLING_ROLES and m.location_id == child.location_id
            for m in memberships_of(by)
        )
    ):
        raise NotFound
    if kind not in ContactAttempt.Kind.values:
        raise CaseError(_("Choose what happened."), field="kind")
    happened_on = happened_on or timezone.localdate()
    if happened_on > timezone.localdate():
        raise CaseError(_("The date cannot lie in the future."), field="happened_on")
    if "\x00" in note or len(note) > 500:
        raise CaseError(_("Keep the note under 500 characters."), field="note")
    threshold = settings.KANSRIJK_NON_RESPONSE_THRESHOLD
    with transaction.atomic():
        attempt = ContactAttempt.objects.create(
            family_id=child.family_id,
            child=child,
            location=child.location,
            kind=kind,
            happened_on=happened_on,
            note=note.strip(),
            by=by,
        )
        count = ContactAttempt.objects.filter(
            family_id=child.family_id, settled_at__isnull=True
        ).count()
        flag = None
        already = NonResponseFlag.objects.filter(
            family_id=child.family_id, resolved_at__isnull=True
        ).exists()
        if count >= threshold and not already:
            flag = NonResponseFlag.objects.create(
                family_id=child.family_id, location=child.location, attempts=count
            )
            from kansrijk.notifications.services import notify

            notify(
                to=selectors.coordinators_for(child.location),
                subject=_("A family at %(centre)s does not respond (%(count)s attempts)")
                % {"centre": child.location.name, "count": count},
                url=reverse("safety:non_responding"),
            )
        log_access(
            by=by,
            event=Event.WRITE,
            purpose="non-response",
            family_id=child.family_id,
            child_id=child.pk,
            detail=f"contact attempt {attempt.pk} ({kind})",
        )
    return attempt, flag


def non_response_resolve(*, by: Professional, flag_id: int, resolution: str) -> NonResponseFlag:
    """The coordinator records the follow-up; the attempts so far no longer count."""
    resolution = _text(
        resolution,
        field="resolution",
        message=_("Say what was done to reach the family."),
        limit=500,
    )
    with transaction.atomic():
        flag = (
            NonResponseFlag.objects.select_for_update()
            .filter(
                pk=flag_id,
                resolved_at__isnull=True,
                location__in=selectors.coordinator_scope(by),
            )
            .first()
        )
        if flag is None:
            raise NotFound
        now = timezone.now()
        flag.resolved_at, flag.resolved_by, flag.resolution = now, by, resolution
        flag.save()
        ContactAttempt.objects.filter(family=flag.family_id, settled_at__isnull=True).update(
            settled_at=now
        )
        log_access(
            by=by,
            event=Event.WRITE,
            purpose="non-response",
            family_id=flag.family_id,
            detail=f"flag {flag.pk} resolved",
        )
    return flag


def non_response_follow_up(
    *,
    by: Professional,
    flag_id: int,
    choice: str,
    officer_id: int | None = None,
    owner_id: int | None = None,
    visit_on: datetime.date | None = None,
    note: str = "",
) -> NonResponseFlag:
    """The coordinator's choice for a family that does not respond (seed 001): ask the family's
    own district team (by postcode) whether they know the family, involve the community
    officer, plan a home visit (an action with a date and an owner on the family's case), or
    report to Veilig Thuis (the meldcode on the family's case is started or linked). The
    choice resolves the flag; every choice is recorded and logged."""
    from kansrijk.cases.effects import POSTCODE, new_plan_version
    from kansrijk.core.selectors import district_team_for
    from kansrijk.notifications.services import notify

    follow_up = NonResponseFlag.FollowUp
    if choice not in follow_up.values:
        raise CaseError(_("Choose what you do next."), field="choice")
    note = _text(note, field="note", message="", limit=500) if note.strip() else ""
    with transaction.atomic():
        flag = (
            NonResponseFlag.objects.select_for_update()
            .select_related("family")
            .filter(
                pk=flag_id, resolved_at__isnull=True, location__in=selectors.coordinator_scope(by)
            )
            .first()
        )
        if flag is None:
            raise NotFound
        case = (
            Case.objects.filter(family_id=flag.family_id, state__in=OPEN_STATES)
            .order_by("-opened_at", "-id")
            .first()
        )
        if choice != follow_up.ASK_DISTRICT_TEAM and case is None:
            raise CaseError(
                _("The family has no open case: ask the district team, or file a signal first."),
                field="choice",
            )
        detail = ""
        if choice == follow_up.ASK_DISTRICT_TEAM:
            match = POSTCODE.search(flag.family.address or "")
            team = district_team_for(match.group(0)) if match else None
            if team is None:
                raise CaseError(
                    _("No district team serves the family's postcode; check the address."),
                    field="choice",
                )
            flag.district_team = team
            workers = Professional.objects.filter(
                is_active=True,
                memberships__organisation=team,
                memberships__role=Role.DISTRICT_TEAM,
            ).distinct()
            notify(
                to=list(workers),
                subject=_("Do you know a family that does not respond? (%(centre)s)")
                % {"centre": flag.location.name},
                body=note,
                url=reverse("safety:district_team_questions"),
            )
            detail = f"asked {team.pk}"
        elif choice == follow_up.COMMUNITY_OFFICER:
            officer = Professional.objects.filter(
                pk=officer_id or 0, memberships__role=Role.COMMUNITY_OFFICER, is_active=True
            ).first()
            if officer is None:
                raise CaseError(_("Choose a community officer."), field="officer")
            assert case is not None
            involve_community_officer(
                by=by,
                case_id=case.pk,
                officer=officer,
                reason=note or _("The family does not respond to the school."),
            )
            detail = f"officer {officer.pk}"
        elif choice == follow_up.HOME_VISIT:
            owner = Professional.objects.filter(pk=owner_id or 0, is_active=True).first()
            if owner is None:
                raise CaseError(_("Choose who makes the home visit."), field="owner")
            if visit_on is None or visit_on < timezone.localdate():
                raise CaseError(_("Choose a date for the home visit from today."), field="visit_on")
            assert case is not None
            previous = case.plans.order_by("-number").first()
            actions = [
                {
                    "description": a.description,
                    "owner": a.owner,
                    "due_date": a.due_date,
                    "done": a.done,
                }
                for a in (previous.actions.all() if previous else [])
            ]
            actions.append(
                {
                    "description": str(_("Home visit: the family does not respond")),
                    "owner": owner,
                    "due_date": visit_on,
                }
            )
            new_plan_version(
                case,
                by=by,
                summary=previous.summary if previous else "",
                evaluation_date=previous.evaluation_date if previous else None,
                goals=[g.text for g in previous.goals.all()] if previous else [],
                actions=actions,
            )
            detail = f"home visit {visit_on} by {owner.pk}"
        else:
            assert case is not None
            if not Meldcode.objects.filter(case=case, finished_at__isnull=True).exists():
                meldcode_start(by=by, case_id=case.pk)
            detail = f"meldcode on case {case.pk}"
        now = timezone.now()
        flag.follow_up = choice
        flag.resolved_at, flag.resolved_by = now, by
        flag.resolution = (
            f"{follow_up(choice).label}. {note}" if note else str(follow_up(choice).label)
        )[:500]
        flag.save()
        ContactAttempt.objects.filter(family=flag.family_id, settled_at__isnull=True).update(
            settled_at=now
        )
        log_access(
            by=by,
            event=Event.WRITE,
            purpose="non-response",
            family_id=flag.family_id,
            detail=f"flag {flag.pk} follow-up {choice}: {detail}",
        )
    return flag


def non_response_district_answer(*, by: Professional, flag_id: int, answer: str) -> NonResponseFlag:
    """A worker of the family's district team answers whether they know the family."""
    answer = _text(answer, field="answer", message=_("Say whether you know the family."), limit=500)
    with transaction.atomic():
        teams = [m.organisation_id for m in memberships_of(by) if m.role == Role.DISTRICT_TEAM]
        flag = (
            NonResponseFlag.objects.select_for_update()
            .filter(
                pk=flag_id,
                follow_up=NonResponseFlag.FollowUp.ASK_DISTRICT_TEAM,
                district_team__in=teams,
            )
            .first()
        )
        if flag is None:
            raise NotFound
        if flag.district_team_answered_at is not None:
            raise CaseError(_("This question was already answered."))
        flag.district_team_answer = answer
        flag.district_team_answered_at = timezone.now()
        flag.save(update_fields=["district_team_answer", "district_team_answered_at"])
        if flag.resolved_by is not None and flag.resolved_by != by:
            from kansrijk.notifications.services import notify

            notify(
                to=flag.resolved_by,
                subject=_("The district team answered about a family that does not respond"),
                body=answer,
                url=reverse("safety:non_responding"),
            )
        log_access(
            by=by,
            event=Event.WRITE,
            purpose="non-response",
            family_id=flag.family_id,
            detail=f"flag {flag.pk} district team answered",
        )
    return flag


# --- the joint list of vulnerable families --------------------------------------------------


def _child_by_bsn(
    by: Professional, bsn: str, purpose: str, locations: frozenset[int] | None = None
) -> Child | None:
    """An exact BSN match only (at these locations, when given), logged as a search."""
    bsn = (bsn or "").strip()
    found = Child.objects.filter(bsn=bsn)
    if locations is not None:
        found = found.filter(location__in=locations)
    child = found.first() if bsn.isdigit() and len(bsn) == 9 else None
    log_access(
        by=by,
        event=Event.SEARCH,
        purpose=purpose,
        family_id=child.family_id if child else None,
        child_id=child.pk if child else None,
        detail="bsn: match" if child else "bsn: no match",
    )
    return child


def vulnerable_family_add(
    *, by: Professional, bsn: str, source: str, reason: str
) -> VulnerableFamily:
    """Put a family on the joint list, with where the concern comes from and why."""
    roles = roles_of(by) & VULNERABLE_LIST_ROLES
    if not roles:
        raise NotFound
    source = _text(source, field="source", message=_("Name your source."), limit=100)
    reason = _text(reason, field="reason", message=_("Give a short reason."), limit=300)
    with transaction.atomic():
        child = _child_by_bsn(by, bsn, "vulnerable families")
        if child is None:
            raise CaseError(_("No child with this BSN is known to Kansrijk."), field="bsn")
        entry = VulnerableFamily.objects.create(
            family_id=child.family_id,
            source=source,
            reason=reason,
            added_by=by,
            added_role=sorted(roles)[0],
        )
        log_access(
            by=by,
            event=Event.WRITE,
            purpose="vulnerable families",
            family_id=child.family_id,
            detail=f"entry {entry.pk}",
        )
    return entry


def _vulnerable_entry(by: Professional, entry_id: int) -> VulnerableFamily:
    if not roles_of(by) & VULNERABLE_LIST_ROLES:
        raise NotFound
    entry = (
        VulnerableFamily.objects.select_for_update()
        .filter(pk=entry_id, closed_at__isnull=True)
        .first()
    )
    if entry is None:
        raise NotFound
    return entry


def vulnerable_family_plan(
    *,
    by: Professional,
    entry_id: int,
    approach: str,
    owner: Professional,
    review_on: datetime.date,
) -> VulnerableFamily:
    """Record the approach for a family on the joint list, who owns it and when to look
    again (seed 001: 'een andere, nader te bepalen aanpak')."""
    approach = _text(approach, field="approach", message=_("Describe the approach."), limit=500)
    if not Membership.objects.filter(
        professional=owner, role__in=VULNERABLE_LIST_ROLES, professional__is_active=True
    ).exists():
        raise CaseError(_("Choose an owner from the list."), field="owner")
    if review_on < timezone.localdate():
        raise CaseError(_("The review date cannot be in the past."), field="review_on")
    with transaction.atomic():
        entry = _vulnerable_entry(by, entry_id)
        entry.approach, entry.owner, entry.review_on = approach, owner, review_on
        entry.save(update_fields=["approach", "owner", "review_on"])
        log_access(
            by=by,
            event=Event.WRITE,
            purpose="vulnerable families",
            family_id=entry.family_id,
            detail=f"entry {entry.pk}: approach",
        )
    return entry


def vulnerable_family_close(*, by: Professional, entry_id: int, reason: str) -> VulnerableFamily:
    """Close an entry on the joint list with a reason; it stays readable as closed."""
    reason = _text(reason, field="reason", message=_("Give a reason for closing."), limit=300)
    with transaction.atomic():
        entry = _vulnerable_entry(by, entry_id)
        entry.closed_at, entry.closed_by, entry.close_reason = timezone.now(), by, reason
        entry.save(update_fields=["closed_at", "closed_by", "close_reason"])
        log_access(
            by=by,
            event=Event.WRITE,
            purpose="vulnerable families",
            family_id=entry.family_id,
            detail=f"entry {entry.pk}: closed",
        )
    return entry


# --- the community officer ------------------------------------------------------------------


def involve_community_officer(
    *, by: Professional, case_id: int, officer: Professional, reason: str
) -> CaseMember:
    """Involve the community officer in a case with a recorded reason. They then see this
    case (and only the cases they are involved in) at summary level (access.matrix)."""
    from kansrijk.consent.models import LegalGround, Purpose
    from kansrijk.consent.selectors import disclosure_allowed

    reason = _text(
        reason, field="reason", message=_("Say why the community officer is involved."), limit=500
    )
    membership = (
        Membership.objects.filter(
            professional=officer, role=Role.COMMUNITY_OFFICER, professional__is_active=True
        )
        .select_related("organisation")
        .first()
    )
    if membership is None:
        raise CaseError(_("Choose a community officer."), field="officer")
    with transaction.atomic():
        case = _locked_case(case_id)
        _worker_role(by, case)
        if case.state not in OPEN_STATES:
            raise CaseError(_("This case is closed."))
        if CaseMember.objects.filter(
            case=case, professional=officer, role=Role.COMMUNITY_OFFICER
        ).exists():
            raise CaseError(_("This community officer is already involved."), field="officer")
        allowed = disclosure_allowed(
            case, purpose=Purpose.DISCUSS_IN_VOT, organisation=membership.organisation
        ).allowed
        if not allowed:
            if case.route != Case.Route.SAFETY:
                raise CaseError(
                    _(
                        "The parents have not consented to sharing with %(organisation)s: record "
                        "their consent or a legal ground first."
                    )
                    % {"organisation": membership.organisation.name}
                )
            LegalGround.objects.create(
                case=case,
                organisation=membership.organisation,
                ground=LegalGround.Ground.MELDCODE,
                explanation=reason,
                recorded_by=by,
            )
        member = CaseMember.objects.create(
            case=case, professional=officer, role=Role.COMMUNITY_OFFICER, reason=reason
        )
        _log(by, case, "safety route", f"community officer {officer.pk} involved")
        from kansrijk.notifications.services import notify

        notify(
            to=officer,
            subject=_("You are involved in case %(number)s at %(centre)s")
            % {"number": case.pk, "centre": case.location.name},
            url=reverse("cases:case_detail", args=[case.pk]),
        )
    return member


# --- childcare ------------------------------------------------------------------------------


def childcare_contact_set(
    *, by: Professional, location: Location, professional: Professional
) -> ChildcareContact:
    """Each childcare location has one fixed contact person in the district team."""
    if not roles_of(by) & {Role.COORDINATOR, Role.ADMINISTRATOR}:
        raise NotFound
    if location.kind != Location.Kind.CHILDCARE:
        raise CaseError(_("Choose a childcare location."), field="location")
    if not professional.memberships.filter(
        role__in=[Role.DISTRICT_TEAM, Role.FAMILY_SPECIALIST]
    ).exists():
        raise CaseError(_("Choose someone from the district team."), field="professional")
    contact, _created = ChildcareContact.objects.update_or_create(
        location=location, defaults={"professional": professional}
    )
    return contact


# --- break-the-glass ------------------------------------------------------------------------


@dataclass(frozen=True)
class EmergencyFind:
    """What a BSN search shows: the child's first name, their location, the open case."""

    child: Child
    case: Case | None
    has_access: bool


def emergency_search(*, by: Professional, bsn: str) -> EmergencyFind | None:
    """Find the open case of a child by exact BSN, for a break-the-glass request."""
    locations = selectors.emergency_scope(by)
    if not locations:
        raise NotFound
    with transaction.atomic():
        child = _child_by_bsn(by, bsn, "break the glass: search", locations)
    if child is None:
        return None
    case = (
        Case.objects.filter(family_id=child.family_id, state__in=OPEN_STATES)
        .select_related("location")
        .order_by("-opened_at")
        .first()
    )
    return EmergencyFind(
        child=child, case=case, has_access=case is not None and can(by, Action.FULL, case)
    )


def emergency_access_grant(*, by: Professional, bsn: str, reason: str) -> EmergencyAccess:
    """Break the glass: read the open case of the child with this BSN for an hour, with
    the reason logged, the coordinator told, and the event waiting for review."""
    if not selectors.emergency_scope(by):
        raise NotFound
    reason = _text(reason, field="reason", message=_("State the emergency."), limit=450)
    found = emergency_search(by=by, bsn=bsn)
    if found is None or found.case is None:
        raise CaseError(_("No open case was found for this BSN."), field="bsn")
    case = found.case
    if found.has_access:
        raise CaseError(_("You already have access to this case."))
    with transaction.atomic():
        now = timezone.now()
        grant = EmergencyAccess.objects.create(
            user=by,
            case=case,
            reason=reason,
            granted_at=now,
            expires_at=now + EMERGENCY_ACCESS_DURATION,
        )
        log_access(
            by=by,
            event=Event.READ,
            purpose=f"break the glass: {reason}",
            case_id=case.pk,
            family_id=case.family_id,
            detail=f"grant {grant.pk}",
        )
        from kansrijk.notifications.services import notify

        notify(
            to=selectors.coordinators_for(case.location),
            subject=_("Break-the-glass access to case %(number)s at %(centre)s: please review")
            % {"number": case.pk, "centre": case.location.name},
            url=reverse("safety:emergency_review"),
        )
        notify(
            to=case.contact_person,
            subject=_("%(person)s broke the glass on case %(number)s")
            % {"person": by, "number": case.pk},
            url=reverse("cases:case_detail", args=[case.pk]),
        )
    return grant


def emergency_access_review(
    *, by: Professional, grant_id: int, outcome: str, note: str = ""
) -> EmergencyAccess:
    """The coordinator approves the emergency access or flags it for the privacy officer."""
    if outcome not in EmergencyAccess.Review.values:
        raise CaseError(_("Choose approve or flag."), field="outcome")
    if outcome == EmergencyAccess.Review.FLAGGED:
        note = _text(note, field="note", message=_("Say why you flag this access."), limit=500)
    elif "\x00" in note or len(note) > 500:
        raise CaseError(_("Keep the note under 500 characters."), field="note")
    with transaction.atomic():
        grant = (
            selectors.emergency_grants_to_review(by)
            .select_for_update(of=("self",))
            .filter(pk=grant_id)
            .first()
        )
        if grant is None:
            raise NotFound
        grant.reviewed_by, grant.reviewed_at = by, timezone.now()
        grant.review, grant.review_note = outcome, note.strip()
        if outcome == EmergencyAccess.Review.FLAGGED:
            grant.expires_at = min(grant.expires_at, grant.reviewed_at)
        grant.save()
        _log(by, grant.case, "break the glass: review", f"grant {grant.pk} {outcome}")
    return grant
