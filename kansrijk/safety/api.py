"""The safety route over HTTP: the meldcode and its report, the community officer, contact
attempts and flagged families, the joint list of vulnerable families and break-the-glass.
Reads go through `safety.selectors`, writes through `safety.services`; every read is logged."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Router, Status

from kansrijk.access.matrix import Action
from kansrijk.audit.models import Event
from kansrijk.audit.paging import log_ids
from kansrijk.audit.services import log_access
from kansrijk.cases import selectors as case_selectors
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.schemas import MAX_ID, Problem
from kansrijk.core.models import Professional
from kansrijk.safety import selectors, services
from kansrijk.safety.models import ContactAttempt, EmergencyAccess, Meldcode, MeldcodeStepNumber
from kansrijk.safety.schemas import (
    AttemptCreated,
    AttemptIn,
    CaseMemberOut,
    EmergencyIn,
    EmergencyOut,
    FlagOut,
    MeldcodeOut,
    MeldcodeStepOut,
    OfficerIn,
    ReportIn,
    ResolveIn,
    ReviewIn,
    StepIn,
    VeiligThuisReportOut,
    VulnerableIn,
    VulnerableOut,
)

router = Router(tags=["safety"])
CaseId = Path(..., ge=1, le=MAX_ID, description="The case's id.")


def _user(request: HttpRequest) -> Professional:
    return cast(Professional, request.auth)  # type: ignore[attr-defined]


def _meldcode(meldcode: Meldcode, readable: bool) -> dict[str, Any]:
    report = getattr(meldcode, "report", None)
    return {
        "id": meldcode.pk,
        "case_id": meldcode.case_id,
        "open": meldcode.is_open,
        "next_step": meldcode.next_step
        if meldcode.is_open and meldcode.next_step <= MeldcodeStepNumber.DECIDE
        else None,
        "acute": meldcode.acute,
        "report_due": meldcode.report_due,
        "decision": meldcode.decision,
        "started_at": meldcode.started_at,
        "finished_at": meldcode.finished_at,
        "steps": [
            {
                "number": s.number,
                "label": str(MeldcodeStepNumber(s.number).label),
                "by": str(s.by),
                "role": s.role,
                "at": s.at,
                "summary": s.summary if readable else None,
                "data": s.data if readable else None,
            }
            for s in meldcode.steps.all()
        ],
        "report": _report(report, readable) if report is not None else None,
    }


def _report(report: Any, readable: bool) -> dict[str, Any]:
    return {
        "id": report.pk,
        "reported_on": report.reported_on,
        "reported_by": str(report.reported_by),
        "reference": report.reference if readable else None,
        "acute": report.acute,
    }


# --- the meldcode ---------------------------------------------------------------------------


@router.get(
    "/cases/{case_id}/meldcode",
    response={200: MeldcodeOut, 404: Problem},
    summary="The meldcode of a case",
    description="The case's open (else latest) meldcode: the steps taken, by whom and when, "
    "and the report to Veilig Thuis. Summaries, answers and the reference only for those who "
    "read the full file or work on the meldcode. 404 when there is none or you may not see it.",
)
def get_meldcode(request: HttpRequest, case_id: int = CaseId) -> dict[str, Any]:
    user = _user(request)
    case = case_selectors.case_for(user, case_id, Action.SUMMARY)
    meldcode = selectors.meldcode_of(case)
    if meldcode is None:
        raise NotFound
    readable = selectors.may_read_meldcode(user, case)
    log_access(
        by=user,
        event=Event.READ,
        purpose="meldcode",
        case_id=case.pk,
        family_id=case.family_id,
        detail=f"api meldcode {'full' if readable else 'status'}",
    )
    return _meldcode(meldcode, readable)


@router.post(
    "/cases/{case_id}/meldcode",
    response={201: MeldcodeOut, 404: Problem, 409: Problem},
    summary="Start the meldcode",
    description="Start the meldcode on a case: it becomes P1 on the safety route and the "
    "coordinator and family specialist are told at once.",
)
def start_meldcode(request: HttpRequest, case_id: int = CaseId) -> Status[dict[str, Any]]:
    meldcode = services.meldcode_start(by=_user(request), case_id=case_id)
    return Status(201, _meldcode(meldcode, True))


@router.post(
    "/cases/{case_id}/meldcode/steps",
    response={201: MeldcodeStepOut, 404: Problem, 409: Problem},
    summary="Record a meldcode step",
    description="Steps go in order, 1-5. Step 2 needs `colleague`; step 4 needs the answers "
    "`q1`-`q5` (`q2` yes: acute, the report is due at once and step 5 is skipped); step 5 "
    "needs `decision` (`help` alone is refused when the answers call for a report).",
)
def take_step(
    request: HttpRequest, payload: StepIn, case_id: int = CaseId
) -> Status[dict[str, Any]]:
    step = services.meldcode_step(
        by=_user(request),
        case_id=case_id,
        number=payload.number,
        summary=payload.summary,
        data=payload.data.model_dump(mode="json", exclude_none=True),
    )
    return Status(
        201,
        {
            "number": step.number,
            "label": str(MeldcodeStepNumber(step.number).label),
            "by": str(step.by),
            "role": step.role,
            "at": step.at,
            "summary": step.summary,
            "data": step.data,
        },
    )


@router.post(
    "/cases/{case_id}/meldcode/report",
    response={201: VeiligThuisReportOut, 404: Problem, 409: Problem},
    summary="Record the report to Veilig Thuis",
    description="Possible at any step ('report now'); it completes the meldcode. The case's "
    "outcome 'reported to Veilig Thuis' needs this report.",
)
def report(
    request: HttpRequest, payload: ReportIn, case_id: int = CaseId
) -> Status[dict[str, Any]]:
    recorded = services.meldcode_report(
        by=_user(request),
        case_id=case_id,
        reported_on=payload.reported_on,
        reference=payload.reference,
        note=payload.note,
    )
    return Status(201, _report(recorded, True))


@router.post(
    "/cases/{case_id}/community-officer",
    response={201: CaseMemberOut, 404: Problem, 409: Problem},
    summary="Involve the community officer",
    description="With a recorded reason; the officer then sees this case at summary level.",
)
def involve_officer(
    request: HttpRequest, payload: OfficerIn, case_id: int = CaseId
) -> Status[dict[str, Any]]:
    officer = Professional.objects.filter(pk=payload.officer_id).first()
    if officer is None:
        raise CaseError(_("Choose a community officer."), field="officer_id")
    member = services.involve_community_officer(
        by=_user(request), case_id=case_id, officer=officer, reason=payload.reason
    )
    return Status(
        201,
        {
            "case_id": member.case_id,
            "professional": str(officer),
            "role": member.role,
            "reason": member.reason,
            "added_at": member.added_at,
        },
    )


# --- families that do not respond -----------------------------------------------------------


@router.post(
    "/contact-attempts",
    response={201: AttemptCreated, 404: Problem},
    summary="Record an unanswered attempt to reach a family",
    description="School staff of the pupil's location. At the configured threshold "
    "(KANSRIJK_NON_RESPONSE_THRESHOLD) the family is flagged to the coordinator.",
)
def record_attempt(request: HttpRequest, payload: AttemptIn) -> Status[dict[str, Any]]:
    attempt, flag = services.contact_attempt_record(
        by=_user(request),
        child_id=payload.child_id,
        kind=payload.kind,
        happened_on=payload.happened_on,
        note=payload.note,
    )
    count = ContactAttempt.objects.filter(family=attempt.family_id, settled_at__isnull=True).count()
    return Status(
        201,
        {
            "id": attempt.pk,
            "family_flagged": flag is not None or selectors.is_flagged(attempt.family_id),
            "unanswered_attempts": count,
        },
    )


@router.get(
    "/non-responding",
    response={200: list[FlagOut], 404: Problem},
    summary="Families that do not respond",
    description="For the coordinator: the flagged families of their centres with every attempt.",
)
def list_flags(request: HttpRequest) -> list[dict[str, Any]]:
    user = _user(request)
    if not selectors.coordinator_location_ids(user):
        raise NotFound
    flags = list(selectors.flagged_families(user))
    attempts = selectors.attempts_of([f.family_id for f in flags])
    log_ids([f.family_id for f in flags], by=user, purpose="non-response", opening="api families ")
    return [
        {
            "id": f.pk,
            "family": f.family.name,
            "location": f.location.name,
            "flagged_at": f.flagged_at,
            "attempts": [
                {
                    "id": a.pk,
                    "kind": a.kind,
                    "kind_label": str(a.get_kind_display()),
                    "happened_on": a.happened_on,
                    "child": a.child.given_name if a.child else "",
                    "by": str(a.by),
                    "note": a.note,
                }
                for a in attempts[f.family_id]
            ],
        }
        for f in flags
    ]


@router.post(
    "/non-responding/{flag_id}/resolve",
    response={204: None, 404: Problem},
    summary="Record the follow-up of a flagged family",
)
def resolve_flag(
    request: HttpRequest,
    payload: ResolveIn,
    flag_id: int = Path(..., ge=1, le=MAX_ID),
) -> Status[None]:
    services.non_response_resolve(by=_user(request), flag_id=flag_id, resolution=payload.resolution)
    return Status(204, None)


# --- vulnerable families --------------------------------------------------------------------


@router.get(
    "/vulnerable-families",
    response={200: list[VulnerableOut], 404: Problem},
    summary="The joint list of vulnerable families",
    description="For the coordinator, the SWV specialist and the area manager. `case_state` "
    "only where your role may see the case; the area manager never sees case content.",
)
def list_vulnerable(request: HttpRequest) -> list[dict[str, Any]]:
    user = _user(request)
    if not selectors.may_keep_vulnerable_list(user):
        raise NotFound
    entries = list(selectors.vulnerable_families(user))
    log_ids(
        [e.family_id for e in entries],
        by=user,
        purpose="vulnerable families",
        opening="api families ",
    )
    return [
        {
            "id": e.pk,
            "family": e.family.name,
            "source": e.source,
            "reason": e.reason,
            "added_by": str(e.added_by),
            "added_at": e.added_at,
            "case_id": getattr(e, "case_id", None),
            "case_state": getattr(e, "case_state", None),
            "approach": e.approach,
            "owner": str(e.owner) if e.owner else None,
            "review_on": e.review_on,
            "closed_at": e.closed_at,
            "close_reason": e.close_reason,
        }
        for e in entries
    ]


@router.post(
    "/vulnerable-families",
    response={201: VulnerableOut, 404: Problem},
    summary="Add a family to the joint list",
    description="By the child's BSN (exact match).",
)
def add_vulnerable(request: HttpRequest, payload: VulnerableIn) -> Status[dict[str, Any]]:
    entry = services.vulnerable_family_add(
        by=_user(request), bsn=payload.bsn, source=payload.source, reason=payload.reason
    )
    return Status(
        201,
        {
            "id": entry.pk,
            "family": entry.family.name,
            "source": entry.source,
            "reason": entry.reason,
            "added_by": str(entry.added_by),
            "added_at": entry.added_at,
        },
    )


# --- break-the-glass ------------------------------------------------------------------------


def _grant(grant: EmergencyAccess) -> dict[str, Any]:
    return {
        "id": grant.pk,
        "case_id": grant.case_id,
        "reason": grant.reason,
        "granted_at": grant.granted_at,
        "expires_at": grant.expires_at,
        "user": str(grant.user),
        "review": grant.review,
    }


@router.post(
    "/emergency-access",
    response={201: EmergencyOut, 404: Problem, 409: Problem, 422: Problem},
    summary="Break the glass",
    description="Read the open case of the child with this BSN for one hour, in an emergency, "
    "with a stated reason. The search and the access are logged, the coordinator is told and "
    "reviews the event. Read only. 404 for roles that may not break the glass.",
)
def break_glass(request: HttpRequest, payload: EmergencyIn) -> Status[dict[str, Any]]:
    grant = services.emergency_access_grant(
        by=_user(request), bsn=payload.bsn, reason=payload.reason
    )
    return Status(201, _grant(grant))


@router.get(
    "/emergency-access/review",
    response={200: list[EmergencyOut], 404: Problem},
    summary="Emergency access waiting for review",
    description="For the coordinator.",
)
def grants_to_review(request: HttpRequest) -> list[dict[str, Any]]:
    user = _user(request)
    if not selectors.coordinator_location_ids(user):
        raise NotFound
    grants = list(selectors.emergency_grants_to_review(user))
    log_ids(
        [g.case_id for g in grants],
        by=user,
        purpose="break the glass: review",
        opening="api cases ",
    )
    return [_grant(g) for g in grants]


@router.post(
    "/emergency-access/{grant_id}/review",
    response={200: EmergencyOut, 404: Problem},
    summary="Approve or flag an emergency access",
)
def review_grant(
    request: HttpRequest, payload: ReviewIn, grant_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    grant = services.emergency_access_review(
        by=_user(request), grant_id=grant_id, outcome=payload.outcome, note=payload.note
    )
    return _grant(grant)
