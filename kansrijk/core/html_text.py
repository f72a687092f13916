"""Values written into HTML by rows made in Python (the case table, the agenda's items): the
same text Django's template language writes for `{{ value }}`, without its per-variable cost
(issue 17)."""

from __future__ import annotations

import html
from typing import Any

from django.conf import settings
from django.utils.formats import localize
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # no stub


def text(value: object) -> str:
    """`value` as HTML: escaped, unless it is HTML already (Django's `conditional_escape`
    without its check for lazy text, which cost more than the escaping on every cell)."""
    if type(value) is str:  # most cells: no failed lookup of __html__ first
        return html.escape(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def local_time(value: Any) -> Any:
    """A moment as a template shows it: in local time (anything else as it is)."""
    return template_localtime(value)


def shown(value: Any) -> str:
    """What `{{ value }}` writes: a moment in local time, a number localised, escaped
    (Django's `render_value_in_context` with autoescaping on). Text and, without thousands
    separators, whole numbers are written as they are: Django's `localize` gives them back
    unchanged, after reading the language and the formats (issue 17)."""
    kind = type(value)
    if kind is str:
        return html.escape(value)
    if kind is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    return text(localize(local_time(value)))
