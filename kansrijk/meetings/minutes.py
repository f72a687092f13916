"""The minutes of a meeting, made from its decisions and actions alone (no free text)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from kansrijk.core.models import Professional
from kansrijk.meetings import selectors
from kansrijk.meetings.models import Meeting


def discussed(view: selectors.ItemView) -> bool:
    """The table took the item up: it was started, or has a decision, a step or actions."""
    item = view.item
    return bool(item.started_at or item.decided_at or item.decision or item.step_id or view.actions)


def minutes_context(meeting: Meeting, viewer: Professional) -> dict[str, Any]:
    """What the minutes show: per item the table discussed its label as the table saw it,
    the decision, the step taken and the actions; after it, by label only, the items that
    were on the table but not discussed (the time ran out). Items left out for lack of
    consent are not in, nor the list to pull in, which the meeting did not discuss (at region
    scale a meeting's agenda holds hundreds of those). Minutes show no signals."""
    table = list(
        meeting.items.filter(on_table=True).order_by("position", "id").values_list("pk", flat=True)
    )
    views = selectors.agenda_view(meeting, viewer, item_ids=table, signals_for=())
    items = [v for v in views if not v.left_out]
    return {
        "meeting": meeting,
        "items": items,
        "discussed": [v for v in items if discussed(v)],
        "not_discussed": [v for v in items if not discussed(v)],
        "participants": selectors.participants(meeting),
        "time_box": selectors.time_box(meeting, items),
        "made_at": timezone.now(),
    }


def minutes_pdf(meeting: Meeting, viewer: Professional) -> bytes:
    from weasyprint import HTML

    html = render_to_string("meetings/minutes_pdf.html", minutes_context(meeting, viewer))
    return bytes(HTML(string=html).write_pdf())
