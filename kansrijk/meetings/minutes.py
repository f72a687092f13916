"""The minutes of a meeting, made from its decisions and actions alone (no free text)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from kansrijk.core.models import Professional
from kansrijk.meetings import selectors
from kansrijk.meetings.models import Meeting


def minutes_context(meeting: Meeting, viewer: Professional) -> dict[str, Any]:
    """What the minutes show: per item on the table its label as the table saw it, the
    decision, the step taken and the actions; items left out for lack of consent are not in,
    nor the list to pull in, which the meeting did not discuss (at region scale a meeting's
    agenda holds hundreds of those)."""
    table = list(
        meeting.items.filter(on_table=True).order_by("position", "id").values_list("pk", flat=True)
    )
    items = [v for v in selectors.agenda_view(meeting, viewer, item_ids=table) if not v.left_out]
    return {
        "meeting": meeting,
        "items": items,
        "participants": selectors.participants(meeting),
        "time_box": selectors.time_box(meeting, items),
        "made_at": timezone.now(),
    }


def minutes_pdf(meeting: Meeting, viewer: Professional) -> bytes:
    from weasyprint import HTML

    html = render_to_string("meetings/minutes_pdf.html", minutes_context(meeting, viewer))
    return bytes(HTML(string=html).write_pdf())
