"""The zorgroute over HTTP: cases, steps, plans, notes, family contacts, signals and the
attention list. Reads go through `cases.selectors`, writes through `cases.services`; this
module only translates between JSON and those functions, and logs every read."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, cast

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from kansrijk.access.matrix import Action
from kansrijk.access.policies import read_for_page
from kansrijk.audit.models import Event
from kansrijk.audit.paging import answer_page, log_shown, logged_page
from kansrijk.audit.services import log_access
from kansrijk.cases import selectors, services
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.models import (
    Case,
    Child,
    FamilyContact,
    Note,
    PlanVersion,
    Referral,
    Signal,
    Step,
)
from kansrijk.cases.schemas import (
    MAX_ID,
    CaseDetail,
    CaseItem,
    CasePage,
    CsrfOut,
    FamilyContactIn,
    FamilyContactOut,
    FamilyContactPage,
    Limit,
    NoteIn,
    NoteOut,
    NotePage,
    Offset,
    PlanIn,
    PlanOut,
    Problem,
    PupilPage,
    ReferralAnswerIn,
    ReferralOut,
    ReferralPage,
    SignalCreated,
    SignalIn,
    SignalPage,
    StepOut,
    StepPage,
    TransitionIn,
    TransitionOut,
    transition_data_help,
)
from kansrijk.cases.workflow import CaseState
from kansrijk.core.choices import labels_now
from kansrijk.core.models import Location, Professional

router = Router()

PURPOSE = "zorgroute"
#: How many of the newest steps, notes and family contacts one case answer holds (issue 17:
#: a case can hold a thousand steps); the rest through the paged journal operations.
JOURNAL_NEWEST = 50
CaseId = Path(..., ge=1, le=MAX_ID, description="The case's id.")
StateFilter = Query(None, description="Only cases in this state.")
LocationFilter = Query(None, ge=1, le=MAX_ID, description="Only cases of this location (id).")
LocationId = Path(..., ge=1, le=MAX_ID, description="The location's id.")
NameSearch = Query("", max_length=100, description="Part of the pupil's name.")
BirthSearch = Query(None, description="The pupil's date of birth.")


def _user(request: HttpRequest) -> Professional:
    return cast(Professional, request.auth)  # type: ignore[attr-defined]


def _name(person: Professional | None) -> str:
    return str(person) if person is not None else ""


def _ids(objects: list[Any]) -> str:
    return ",".join(str(o.pk) for o in objects)


# --- serialising ------------------------------------------------------------------------------


def _case_items(cases: list[Case], stalled_before: datetime.datetime) -> list[dict[str, Any]]:
    """The cases as the API shows them, their labels in the active language (looked up once
    per list, not translated for each case: 150 translations per page of 50; issue 17)."""
    states = labels_now(Case, "state")
    priorities = labels_now(Case, "priority")
    routes = labels_now(Case, "route")
    return [_case_item(case, stalled_before, states, priorities, routes) for case in cases]


def _case_item(
    case: Case,
    stalled_before: datetime.datetime,
    states: Mapping[Any, str],
    priorities: Mapping[Any, str],
    routes: Mapping[Any, str],
) -> dict[str, Any]:
    return {
        "id": case.pk,
        "state": case.state,
        "state_label": states.get(case.state, case.state),
        "priority": case.priority,
        "priority_label": priorities.get(case.priority, str(case.priority)),
        "route": case.route,
        "route_label": routes.get(case.route, case.route),
        "location": {"id": case.location_id, "name": case.location.name},
        "contact_person": _name(case.contact_person),
        "children": [
            {"given_name": child.given_name, "group": child.group}
            for child in case.shown_children  # type: ignore[attr-defined]
        ],
        "last_step_at": case.last_step_at,
        "stalled": case.is_open and case.last_step_at < stalled_before,
    }


def _step(step: Step) -> dict[str, Any]:
    return {
        "id": step.pk,
        "transition": step.transition,
        "from_state": step.from_state,
        "to_state": step.to_state,
        "by": _name(step.by),
        "role": step.role,
        "at": step.at,
        "comment": step.comment,
        "data": step.data,
    }


def _note(note: Note) -> dict[str, Any]:
    return {
        "id": note.pk,
        "text": note.text,
        "author": _name(note.author),
        "created_at": note.created_at,
    }


def _contact(contact: FamilyContact) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "channel": contact.channel,
        "channel_label": str(FamilyContact.Channel(contact.channel).label),
        "summary": contact.summary,
        "happened_at": contact.happened_at,
        "by": _name(contact.by),
    }


def _plan(plan: PlanVersion) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "number": plan.number,
        "summary": plan.summary,
        "evaluation_date": plan.evaluation_date,
        "created_by": _name(plan.created_by),
        "created_at": plan.created_at,
        "goals": [{"id": g.pk, "text": g.text} for g in plan.goals.all()],
        "actions": [
            {
                "id": a.pk,
                "description": a.description,
                "owner_id": a.owner_id,
                "owner": _name(a.owner) if a.owner_id else None,
                "due_date": a.due_date,
                "done": a.done,
            }
            for a in plan.actions.all()
        ],
    }


# --- the session ------------------------------------------------------------------------------


@router.get(
    "/csrf",
    response=CsrfOut,
    tags=["session"],
    summary="The CSRF token for this session",
    description="Send this token in the `X-CSRFToken` header of every POST, with the session "
    "and `csrftoken` cookies. The token is also (re)set as the `csrftoken` cookie.",
)
def csrf_token(request: HttpRequest) -> dict[str, str]:
    return {"csrf_token": get_token(request)}


# --- cases ------------------------------------------------------------------------------------


@router.get(
    "/cases",
    response=CasePage,
    tags=["cases"],
    summary="My cases",
    description="The cases you may see (per the permission matrix), P1 first, the longest "
    "without a step on top among equal priority. Children are shown by first name and group. "
    "`stalled` is true when an open case had no step for the configured number of days.",
)
def list_cases(
    request: HttpRequest,
    state: CaseState | None = StateFilter,
    location: int | None = LocationFilter,
    limit: int = Limit,
    offset: int = Offset,
) -> dict[str, Any]:
    user = _user(request)
    place = Location.objects.filter(pk=location).first() if location is not None else None
    count, cases = 0, list[Case]()
    if location is None or place is not None:
        # Counted and ranked from the columns read with the ids, then a page of it.
        read_for_page(user, Action.SUMMARY, also=selectors.page_columns(place))
        count, cases = selectors.cases_page(
            user,
            action=Action.SUMMARY,
            states=frozenset({state}) if state is not None else None,
            location=place,
            offset=offset,
            limit=limit,
        )
    before = selectors.stalled_before()

    def shape(cases: list[Case]) -> list[dict[str, Any]]:
        selectors.children_shown(user, cases)
        return _case_items(cases, before)

    return answer_page(
        count,
        cases,
        limit=limit,
        offset=offset,
        by=user,
        purpose=PURPOSE,
        what=f"api cases state={state or ''} location={location or ''}",
        ids="cases",
        shape=shape,
    )


@router.get(
    "/cases/{case_id}",
    response={200: CaseDetail, 404: Problem},
    tags=["cases"],
    summary="One case",
    description="The case's summary; with the right to read the whole file (`full`: true) "
    "also the guardians, the newest 50 steps, notes and family contacts (page through all of "
    "them with `/cases/{case_id}/steps`, `/notes` and `/contacts`), the signals' text, "
    "and the children's "
    "family names and dates of birth. A missing case and one you may not see both answer 404.",
)
def get_case(request: HttpRequest, case_id: int = CaseId) -> dict[str, Any]:
    user = _user(request)
    case = selectors.case_for(user, case_id, Action.SUMMARY)
    file = selectors.case_file(user, case, newest=JOURNAL_NEWEST)
    full = file.full
    children = file.children
    item = _case_items([case], selectors.stalled_before())[0]
    item["children"] = [
        {
            "given_name": c.given_name,
            "group": c.group,
            "family_name": c.family_name if full else None,
            "date_of_birth": c.date_of_birth if full else None,
        }
        for c in children
    ]
    detail: dict[str, Any] = {
        **item,
        "outcome": case.outcome,
        "outcome_label": str(case.get_outcome_display()) if case.outcome else "",
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
        "full": full,
        "signals": [
            {
                "id": s.pk,
                "child": s.child.given_name if s.child else "",
                "domain": s.domain,
                "domain_label": s.domain_label,
                "urgency": s.urgency,
                "urgency_label": s.urgency_label,
                "created_at": s.created_at,
                "description": s.description,
                "author": s.author,
            }
            for s in file.signals
        ],
    }
    if full:
        detail["guardians"] = [
            {
                "id": g.pk,
                "name": g.name,
                "relation": g.relation,
                "parental_authority": g.parental_authority,
            }
            for g in file.guardians
        ]
        detail["steps"] = [_step(s) for s in file.steps]
        detail["notes"] = [_note(n) for n in file.notes]
        detail["family_contacts"] = [_contact(c) for c in file.family_contacts]
    log_access(
        by=user,
        event=Event.READ,
        purpose=PURPOSE,
        case_id=case.pk,
        family_id=case.family_id,
        detail=f"api case {'full' if full else 'summary'}",
    )
    return detail


@router.get(
    "/cases/{case_id}/transitions",
    response={200: list[TransitionOut], 404: Problem},
    tags=["zorgroute"],
    summary="Steps I may take now",
    description="The steps of the zorgroute you may take on this case in its current state.",
)
def list_transitions(request: HttpRequest, case_id: int = CaseId) -> list[dict[str, str]]:
    user = _user(request)
    case = selectors.case_for(user, case_id, Action.SUMMARY)
    transitions = selectors.allowed_transitions(user, case)
    log_access(
        by=user,
        event=Event.READ,
        purpose=PURPOSE,
        case_id=case.pk,
        family_id=case.family_id,
        detail="api transitions",
    )
    return [
        {
            "name": t.name,
            "label": str(t.label),
            "target": t.target.value,
            "target_label": str(t.target.label),
        }
        for t in transitions
    ]


@router.post(
    "/cases/{case_id}/transitions",
    response={201: StepOut, 404: Problem, 409: Problem},
    tags=["zorgroute"],
    summary="Take a step",
    description="Take one step of the zorgroute. What `data` needs depends on the step: "
    + transition_data_help()
    + ". A step the route does not allow now answers 409 with the reason.",
)
def take_transition(
    request: HttpRequest, payload: TransitionIn, case_id: int = CaseId
) -> Status[dict[str, Any]]:
    step = services.case_transition(
        by=_user(request),
        case_id=case_id,
        name=payload.name,
        comment=payload.comment,
        data=payload.data.model_dump(mode="json", exclude_none=True),
    )
    return Status(201, _step(step))


# --- plans, notes, family contacts ------------------------------------------------------------


@router.get(
    "/cases/{case_id}/plans",
    response={200: list[PlanOut], 404: Problem},
    tags=["plans"],
    summary="The plan, every version",
    description="All versions of the family's plan, newest first, with goals and actions.",
)
def list_plans(request: HttpRequest, case_id: int = CaseId) -> list[dict[str, Any]]:
    user = _user(request)
    case = selectors.case_for(user, case_id, Action.SUMMARY)
    plans = list(selectors.plan_versions(case))
    log_access(
        by=user,
        event=Event.READ,
        purpose=PURPOSE,
        case_id=case.pk,
        family_id=case.family_id,
        detail=f"api plans {_ids(plans)}",
    )
    return [_plan(p) for p in plans]


@router.post(
    "/cases/{case_id}/plans",
    response={201: PlanOut, 404: Problem, 409: Problem},
    tags=["plans"],
    summary="A new version of the plan",
    description="Write a new version of the plan (earlier versions are kept): at least one "
    "goal, and actions with an owner (a professional's id) and a due date.",
)
def create_plan(
    request: HttpRequest, payload: PlanIn, case_id: int = CaseId
) -> Status[dict[str, Any]]:
    owner_ids = {a.owner_id for a in payload.actions if a.owner_id is not None}
    owners = {
        p.pk: p
        for p in Professional.objects.filter(pk__in=owner_ids, is_active=True).prefetch_related(
            "memberships"
        )
    }
    if owner_ids - owners.keys():
        raise CaseError(
            _("Choose an owner who works on this case or at its child centre."), field="actions"
        )
    plan = services.plan_create_version(
        by=_user(request),
        case_id=case_id,
        summary=payload.summary,
        evaluation_date=payload.evaluation_date,
        goals=payload.goals,
        actions=[
            {
                "description": a.description,
                "due_date": a.due_date,
                "owner": owners.get(a.owner_id) if a.owner_id else None,
            }
            for a in payload.actions
        ],
    )
    return Status(201, _plan(selectors.plan_versions(plan.case).get(pk=plan.pk)))


def _journal_page(
    request: HttpRequest, case_id: int, part: str, limit: int, offset: int
) -> dict[str, Any]:
    user = _user(request)
    case = selectors.case_for(user, case_id, Action.SUMMARY)
    queryset = selectors.journal_part(user, case, part)

    def shape(items: list[Any]) -> list[dict[str, Any]]:
        if part == "steps":
            return [_step(s) for s in selectors.summary_steps(user, case, items)]
        return [_note(n) if part == "notes" else _contact(n) for n in items]

    return logged_page(
        queryset,
        limit=limit,
        offset=offset,
        by=user,
        event=Event.READ,
        purpose=PURPOSE,
        case_id=case.pk,
        family_id=case.family_id,
        what=f"api {part}",
        shape=shape,
    )


@router.get(
    "/cases/{case_id}/steps",
    response={200: StepPage, 404: Problem},
    tags=["zorgroute"],
    summary="The case's steps, newest first",
    description="Every step taken on the case, newest first, a page at a time. Without the "
    "right to read the whole file a step comes without its comment and data.",
)
def list_steps(
    request: HttpRequest, case_id: int = CaseId, limit: int = Limit, offset: int = Offset
) -> dict[str, Any]:
    return _journal_page(request, case_id, "steps", limit, offset)


@router.get(
    "/cases/{case_id}/notes",
    response={200: NotePage, 404: Problem},
    tags=["cases"],
    summary="The case's notes, newest first",
    description="The notes in the case's journal, newest first, a page at a time. Notes are "
    "part of the whole file: without the right to read it the answer is 404.",
)
def list_notes(
    request: HttpRequest, case_id: int = CaseId, limit: int = Limit, offset: int = Offset
) -> dict[str, Any]:
    return _journal_page(request, case_id, "notes", limit, offset)


@router.get(
    "/cases/{case_id}/contacts",
    response={200: FamilyContactPage, 404: Problem},
    tags=["cases"],
    summary="The contacts with the family, newest first",
    description="The logged contacts with the family, newest first, a page at a time. They "
    "are part of the whole file: without the right to read it the answer is 404.",
)
def list_family_contacts(
    request: HttpRequest, case_id: int = CaseId, limit: int = Limit, offset: int = Offset
) -> dict[str, Any]:
    return _journal_page(request, case_id, "contacts", limit, offset)


@router.post(
    "/cases/{case_id}/notes",
    response={201: NoteOut, 404: Problem},
    tags=["cases"],
    summary="Add a note",
    description="A note in the case's journal.",
)
def add_note(
    request: HttpRequest, payload: NoteIn, case_id: int = CaseId
) -> Status[dict[str, Any]]:
    note = services.note_add(by=_user(request), case_id=case_id, text=payload.text)
    return Status(201, _note(note))


@router.post(
    "/cases/{case_id}/contacts",
    response={201: FamilyContactOut, 404: Problem, 409: Problem},
    tags=["cases"],
    summary="Log a contact with the family",
    description="A phone call, WhatsApp, home visit … with the family (seed 001, step 3). "
    "`happened_at` defaults to now; a time without offset is Amsterdam time.",
)
def log_family_contact(
    request: HttpRequest, payload: FamilyContactIn, case_id: int = CaseId
) -> Status[dict[str, Any]]:
    contact = services.family_contact_log(
        by=_user(request),
        case_id=case_id,
        channel=payload.channel,
        summary=payload.summary,
        happened_at=payload.happened_at,
    )
    return Status(201, _contact(contact))


# --- referrals --------------------------------------------------------------------------------

ReferralId = Path(..., ge=1, le=MAX_ID, description="The referral's id.")


def _referral(r: Referral) -> dict[str, Any]:
    return {
        "id": r.pk,
        "case_id": r.case_id,
        "location": {"id": r.case.location_id, "name": r.case.location.name},
        "organisation": r.organisation.name,
        "target": r.target,
        "target_label": str(r.get_target_display()),
        "created_at": r.created_at,
        "answer": r.answer,
        "answer_label": str(r.get_answer_display()),
        "answer_reason": r.answer_reason,
        "answered_at": r.answered_at,
    }


@router.get(
    "/referrals",
    response=ReferralPage,
    tags=["referrals"],
    summary="Referrals to me",
    description="The referrals to your function at your organisation: open ones first.",
)
def list_referrals(
    request: HttpRequest, limit: int = Limit, offset: int = Offset
) -> dict[str, Any]:
    user = _user(request)
    queryset = selectors.referrals_to(user)
    return logged_page(
        queryset,
        limit=limit,
        offset=offset,
        by=user,
        purpose="referrals",
        what="api referrals",
        ids="referrals",
        shape=lambda items: [_referral(r) for r in items],
    )


@router.post(
    "/referrals/{referral_id}/answer",
    response={200: ReferralOut, 404: Problem, 409: Problem, 422: Problem},
    tags=["referrals"],
    summary="Accept or return a referral",
    description="`accept` makes you the referral's one worker; `return` needs a `reason`. "
    "The case's contact person is told which.",
)
def answer_referral(
    request: HttpRequest, payload: ReferralAnswerIn, referral_id: int = ReferralId
) -> dict[str, Any]:
    referral = services.referral_answer(
        by=_user(request),
        referral_id=referral_id,
        accept=payload.answer == "accept",
        reason=payload.reason,
    )
    return _referral(
        Referral.objects.select_related("case__location", "organisation").get(pk=referral.pk)
    )


# --- signals ----------------------------------------------------------------------------------


@router.get(
    "/signals",
    response=SignalPage,
    tags=["signals"],
    summary="My signals",
    description="The signals you filed, newest first, with the state of the case each one "
    "opened or joined.",
)
def list_signals(request: HttpRequest, limit: int = Limit, offset: int = Offset) -> dict[str, Any]:
    user = _user(request)
    count = Signal.objects.filter(author=user).count()
    signals = list(selectors.signals_by(user, offset + limit))[offset:]
    log_shown(
        signals,
        by=user,
        purpose=PURPOSE,
        opening=f"api signals offset={offset} count={count} signals=",
    )
    return {
        "count": count,
        "limit": limit,
        "offset": offset,
        "items": [
            {
                "id": s.pk,
                "child": {
                    "id": s.child_id,
                    "given_name": s.child.given_name,
                    "group": s.child.group,
                },
                "domain": s.domain,
                "domain_label": str(Signal.Domain(s.domain).label),
                "urgency": s.urgency,
                "urgency_label": str(Signal.Urgency(s.urgency).label),
                "description": s.description,
                "created_at": s.created_at,
                "case": {
                    "id": s.case_id,
                    "state": s.case.state,
                    "state_label": str(CaseState(s.case.state).label),
                    "contact_person": _name(s.case.contact_person),
                },
            }
            for s in signals
        ],
    }


@router.post(
    "/signals",
    response={201: SignalCreated, 404: Problem},
    tags=["signals"],
    summary="Signal a pupil",
    description="File a signal about a pupil of your own location (see `GET /api/pupils`). "
    "It opens the family's case, or joins the case that is open.",
)
def create_signal(request: HttpRequest, payload: SignalIn) -> Status[dict[str, Any]]:
    user = _user(request)
    # Whether the user may pick this pupil is the service's check (a 404 when not): asked
    # here too, it cost a signal two queries more (issue 17).
    child = Child.objects.select_related("location").filter(pk=payload.child_id).first()
    if child is None:
        raise NotFound
    signal = services.signal_create(
        by=user,
        child=child,
        domain=payload.domain,
        urgency=payload.urgency,
        description=payload.description,
        safety_concern=payload.safety_concern,
        parents_agree=payload.parents_agree,
    )
    return Status(
        201, {"id": signal.pk, "case_id": signal.case_id, "case_state": signal.case.state}
    )


@router.get(
    "/pupils",
    response=PupilPage,
    tags=["signals"],
    summary="Pupils I may signal about",
    description="The pupils you may file a signal about: a teacher's own groups, the IB's "
    "school, the families whose file you read. Pupils you may only find by search (the school "
    "nurse) are listed only when both `name` and `date_of_birth` are given.",
)
def list_pupils(
    request: HttpRequest,
    name: str = NameSearch,
    date_of_birth: datetime.date | None = BirthSearch,
    limit: int = Limit,
    offset: int = Offset,
) -> dict[str, Any]:
    user = _user(request)
    queryset = selectors.pupils_for_signal(user, name=name, date_of_birth=date_of_birth)
    return logged_page(
        queryset,
        limit=limit,
        offset=offset,
        by=user,
        purpose="signal",
        what="api pupils",
        ids="children",
        shape=lambda pupils: [
            {
                "id": c.pk,
                "given_name": c.given_name,
                "family_name": c.family_name,
                "group": c.group,
                "location": {"id": c.location_id, "name": c.location.name if c.location else ""},
            }
            for c in pupils
        ],
    )


# --- the attention list -----------------------------------------------------------------------


@router.get(
    "/locations/{location_id}/attention-list",
    response={200: list[CaseItem], 404: Problem},
    tags=["attention list"],
    summary="The attention list of a school",
    description="Seed 001: the pupils of one school that need extra attention, kept by the "
    "IB and the SWV specialist and shared with the family specialist. 404 when you do not "
    "keep or share that school's list.",
)
def attention_list(
    request: HttpRequest,
    location_id: int = LocationId,
) -> list[dict[str, Any]]:
    user = _user(request)
    place = next((p for p in selectors.attention_list_locations(user) if p.pk == location_id), None)
    if place is None:
        raise NotFound
    cases = list(selectors.attention_list(user, place))
    selectors.children_shown(user, cases)
    log_shown(
        cases, by=user, purpose=PURPOSE, opening=f"api attention list location={place.pk} cases="
    )
    before = selectors.stalled_before()
    return _case_items(cases, before)
