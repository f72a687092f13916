"""Django's `date` filter, remembered per day (a template builtin: TEMPLATES in conf/base.py).

A list page formats a date on every row (`{{ signal.created_at|date:"j b Y" }}`), and
Django's filter builds the text anew each time, translating the month's name: ~40 µs a
row, a tenth of a case table's rendering (issue 17). A format of the day alone ("j b Y",
"l j F") gives the same text for every moment of that day in one language, so the text is
kept per (day, format, language). Formats with a time of day, named formats and anything
that is not a date or datetime go to Django's own filter, unchanged.
"""

from __future__ import annotations

import datetime
from functools import lru_cache
from typing import Any

from django import template
from django.template import defaultfilters
from django.utils import timezone
from django.utils.translation import get_language

register = template.Library()

#: Django's format characters that depend on the day alone (docs: "date" filter).
DAY_CHARACTERS = frozenset("dDjlNSwzWFmMntyYLobE")
#: Characters that are text in a format (anything not a format character).
TEXT_CHARACTERS = frozenset(" ,.-/:")


@lru_cache(maxsize=64)
def _of_the_day(arg: str) -> bool:
    """Whether a literal format shows the day alone (no time, no time zone, no escapes)."""
    return bool(arg) and all(c in DAY_CHARACTERS or c in TEXT_CHARACTERS for c in arg)


@lru_cache(maxsize=4096)
def _day_text(day: datetime.date, arg: str, language: str | None) -> str:
    return str(defaultfilters.date(day, arg))


@register.filter(expects_localtime=True, is_safe=False)
def date(value: Any, arg: str | None = None) -> str:
    """The same text as Django's `date` filter (the value arrives in local time)."""
    if isinstance(arg, str) and isinstance(value, datetime.date) and _of_the_day(arg):
        day = value.date() if isinstance(value, datetime.datetime) else value
        return _day_text(day, arg, get_language())
    return str(defaultfilters.date(value, arg))


class DayFormat:
    """A format of the day alone ("j b Y") for the rows of one table: the language and the
    time zone read once, not per row (issue 17). Gives what `date` gives a moment in local
    time; a naive moment is refused, as by `timezone.localtime`."""

    def __init__(self, arg: str) -> None:
        if not _of_the_day(arg):
            raise ValueError(f"not a format of the day alone: {arg!r}")
        self.arg = arg
        self.language = get_language()
        self.zone = timezone.get_current_timezone()

    def __call__(self, value: datetime.date) -> str:
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value, self.zone).date()
        return _day_text(value, self.arg, self.language)
