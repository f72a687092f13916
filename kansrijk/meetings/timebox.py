"""The time box of a meeting (issue 19): a 60-minute care meeting cannot discuss 46 cases.

The items that must be discussed (P1, escalations, due evaluations, stalled cases, what the
chair added; on a support-team meeting also the pupils new on the list) are on the table
first, each with its minutes; the time that is left goes to the other items in agenda
order; the rest waits in a list the chair can pull items in from. The chair's own choice
(pull in, put aside) survives a rebuild of the agenda."""

from __future__ import annotations

from collections.abc import Sequence

from kansrijk.meetings.models import AgendaItem, Meeting, MeetingKind

Reason = AgendaItem.Reason

MUST_DISCUSS = frozenset(
    {
        Reason.PRIORITY_1,
        Reason.ESCALATED,
        Reason.EVALUATION_DUE,
        Reason.STALLED,
        Reason.ADDED_BY_CHAIR,
    }
)
#: The support-team meeting (VOT) exists to take up the pupils new on its attention list.
MUST_DISCUSS_SUPPORT_TEAM = MUST_DISCUSS | {Reason.NEW_ON_LIST, Reason.RENEWAL_DUE}

#: Minutes an item gets; a P1 case twice as many.
SLOT_MINUTES = 5
P1_SLOT_MINUTES = 10


def must_discuss(reasons: list[str], kind: str) -> bool:
    wanted = MUST_DISCUSS_SUPPORT_TEAM if kind == MeetingKind.SUPPORT_TEAM_MEETING else MUST_DISCUSS
    return any(reason in wanted for reason in reasons)


def slot_minutes(item: AgendaItem) -> int:
    return P1_SLOT_MINUTES if Reason.PRIORITY_1 in item.reasons else SLOT_MINUTES


def plan_table(meeting: Meeting, items: Sequence[AgendaItem] | None = None) -> None:
    """Decide which items are on the table and their minutes: what must be discussed (and
    what the chair pulled in), then what fits in the time left in agenda order. The table
    keeps the agenda's order (the chair's moves, and new items with what must be discussed
    first: meetings.selectors.agenda_candidates), the list to pull in comes after it. Runs
    in the caller's transaction (meetings.services)."""
    items = list(items if items is not None else meeting.items.order_by("position", "id"))
    fixed: set[int] = set()
    for item in items:
        item.allotted_minutes = slot_minutes(item)
        if item.placed_by_chair:
            if item.on_table:
                fixed.add(item.pk)
        elif (
            must_discuss(item.reasons, meeting.kind)
            or item.started_at is not None
            or item.decided_at is not None
        ):
            item.on_table = True
            fixed.add(item.pk)
    used = sum(item.allotted_minutes for item in items if item.pk in fixed)
    for item in items:
        if item.pk in fixed or item.placed_by_chair:
            continue
        item.on_table = used + item.allotted_minutes <= meeting.duration_minutes
        if item.on_table:
            used += item.allotted_minutes
    ordered = [i for i in items if i.on_table] + [i for i in items if not i.on_table]
    for position, item in enumerate(ordered, start=1):
        item.position = position
    AgendaItem.objects.bulk_update(ordered, ["on_table", "allotted_minutes", "position"])
