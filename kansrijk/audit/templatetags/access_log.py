"""Template filters that show the access log's stored values as translated labels."""

from __future__ import annotations

import datetime

from django import template

from kansrijk.audit import labels

register = template.Library()
register.filter("role_label", labels.role_label)
register.filter("purpose_label", labels.purpose_label)
register.filter("detail_label", labels.detail_label)
register.filter("event_label", labels.event_label)


@register.filter
def moment(value: str) -> datetime.datetime | str:
    """An entry's time as an export keeps it (ISO 8601 text), as a moment to format with
    `date` ("22-03-2026 19:42" where the text read "2026-03-22T19:42:15.202995+01:00")."""
    try:
        return datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return value
