"""Meetings over HTTP: my meetings, one meeting's agenda as the table sees it, my actions.
The same selectors and services as the pages; a meeting you do not sit in answers 404."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.http import HttpRequest
from ninja import Path, Router, Schema

from kansrijk.audit.paging import log_ids, logged_page
from kansrijk.cases.schemas import MAX_ID, Limit, Offset, Problem
from kansrijk.core.models import Professional
from kansrijk.meetings import selectors, services
from kansrijk.meetings.models import Meeting, MeetingAction

router = Router(tags=["meetings"])

MeetingId = Path(..., ge=1, le=MAX_ID, description="The meeting's id.")
ActionId = Path(..., ge=1, le=MAX_ID, description="The action's id.")


class MeetingOut(Schema):
    id: int
    kind: str
    title: str
    starts_at: datetime.datetime
    duration_minutes: int
    state: str
    chair: str


class ActionOut(Schema):
    id: int
    description: str
    owner: str
    due_date: datetime.date
    done: bool
    meeting: int
    case: int | None


class ActionPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ActionOut]


class ItemOut(Schema):
    id: int
    position: int
    label: str
    identified: bool
    reasons: list[str]
    decision: str
    step: str
    minutes_spent: int
    #: In the time box, or in the list to pull in (meetings.timebox).
    on_table: bool
    minutes_allotted: int
    actions: list[ActionOut]


class MeetingDetail(MeetingOut):
    minutes_used: int
    #: Items on the whole agenda; `items` holds those from `offset`, at most `limit`.
    items_count: int
    limit: int
    offset: int
    items: list[ItemOut]


class DoneIn(Schema):
    done: bool = True


def _user(request: HttpRequest) -> Professional:
    return cast(Professional, request.auth)  # type: ignore[attr-defined]


def _meeting(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "kind": meeting.kind,
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "duration_minutes": meeting.duration_minutes,
        "state": meeting.state,
        "chair": str(meeting.chair),
    }


def _action(action: MeetingAction) -> dict[str, Any]:
    return {
        "id": action.pk,
        "description": action.description,
        "owner": str(action.owner),
        "due_date": action.due_date,
        "done": action.done,
        "meeting": action.meeting_id,
        "case": action.case_id,
    }


@router.get(
    "/actions",
    response={200: ActionPage, 422: Problem},
    summary="My actions from meetings",
    description="Actions agreed in meetings that you own: open ones, and those done in the "
    "last 30 days, a page at a time (the open ones first, soonest due first). Plan actions "
    "are in the case's plan (`/api/cases/{case_id}/plans`).",
)
def list_actions(request: HttpRequest, limit: int = Limit, offset: int = Offset) -> dict[str, Any]:
    user = _user(request)
    return logged_page(
        selectors.my_actions(user)["meeting"],
        limit=limit,
        offset=offset,
        by=user,
        purpose="my actions",
        what="api meeting actions",
        ids="actions",
        shape=lambda page: [_action(a) for a in page],
    )


@router.post(
    "/actions/{action_id}/done",
    response={200: ActionOut, 404: Problem},
    summary="Mark an action done (or open again)",
    description="The owner or the meeting's chair ticks an action off; `done: false` reopens it.",
)
def set_action_done(
    request: HttpRequest, payload: DoneIn, action_id: int = ActionId
) -> dict[str, Any]:
    action = services.action_set_done(by=_user(request), action_id=action_id, done=payload.done)
    action = MeetingAction.objects.select_related("owner").get(pk=action.pk)
    return _action(action)


@router.get(
    "",
    response=list[MeetingOut],
    summary="My meetings",
    description="The meetings you sit in (chair, member or invitee): the coming ones and "
    "those of the last two weeks.",
)
def list_meetings(request: HttpRequest) -> list[dict[str, Any]]:
    return [_meeting(m) for m in selectors.upcoming_meetings_of(_user(request))[:100]]


@router.get(
    "/{meeting_id}",
    response={200: MeetingDetail, 404: Problem, 422: Problem},
    summary="One meeting",
    description="The meeting with its agenda as the table sees it, a page at a time: the "
    "items from `offset` in the agenda's order, at most `limit` (a region's care meeting holds "
    "hundreds); `items_count` counts the whole agenda. A case without consent for every "
    "organisation present has no identifying data (`identified`: false) and is missing when "
    "its series leaves such cases out (a page may then hold fewer items).",
)
def get_meeting(
    request: HttpRequest, meeting_id: int = MeetingId, limit: int = Limit, offset: int = Offset
) -> dict[str, Any]:
    user = _user(request)
    meeting = selectors.meeting_for(user, meeting_id)
    agenda = selectors.agenda_page(meeting)  # the whole agenda's time and order, one query
    page = list(agenda.order[offset : offset + limit])
    views = [v for v in selectors.agenda_view(meeting, user, item_ids=page) if not v.left_out]
    log_ids(
        [v.item.case_id for v in views if v.item.case_id],
        by=user,
        purpose="meeting",
        opening=f"meeting {meeting.pk} agenda (API): cases ",
    )
    return {
        **_meeting(meeting),
        "minutes_used": agenda.time_box.minutes,
        "items_count": len(agenda.order),
        "limit": limit,
        "offset": offset,
        "items": [
            {
                "id": v.item.pk,
                "position": v.item.position,
                "label": v.label,
                "identified": v.identified,
                "reasons": list(v.item.reasons),
                "decision": v.item.decision,
                "step": v.item.step.transition if v.item.step else "",
                "minutes_spent": v.minutes,
                "on_table": v.item.on_table,
                "minutes_allotted": v.item.allotted_minutes,
                "actions": [_action(a) for a in v.actions],
            }
            for v in views
        ],
    }
