"""The `date` filter remembered per day gives the text Django's own filter gives."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Callable

import pytest
from django.template import Context, Template, defaultfilters
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from kansrijk.core.templatetags import dates

#: Every format the templates use, and some that must not be remembered per day.
FORMATS = [
    "j b Y",
    "j F Y",
    "l j F",
    "j b Y H:i",
    "j F Y H:i",
    "l j F Y, H:i",
    "j M Y H:i",
    "SHORT_DATE_FORMAT",
    "DATETIME_FORMAT",
    "l",
    "Y-m-d",
    "c",
    r"j \d\e F",
    "D d M Y e",
    "",
]
moments = st.datetimes(
    min_value=datetime.datetime(1990, 1, 1),
    max_value=datetime.datetime(2040, 12, 31),
    timezones=st.sampled_from([datetime.UTC, zoneinfo.ZoneInfo("Europe/Amsterdam")]),
)


@settings(max_examples=300, deadline=None)
@given(
    value=st.one_of(moments, st.dates(), st.none(), st.just(""), st.just("not a date")),
    arg=st.sampled_from(FORMATS),
    language=st.sampled_from(["nl", "en"]),
)
def test_the_same_text_as_djangos_filter(value: object, arg: str, language: str) -> None:
    with translation.override(language):
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value)  # what the template engine hands a filter
        assert _outcome(dates.date, value, arg) == _outcome(defaultfilters.date, value, arg)


def _outcome(date: Callable[[object, str], str], value: object, arg: str) -> object:
    """The text, or the kind of error (Django refuses a time of day for a date)."""
    try:
        return date(value, arg)
    except TypeError as error:
        return type(error)


def test_two_moments_of_one_day_in_two_languages() -> None:
    morning = timezone.make_aware(datetime.datetime(2026, 3, 2, 8, 15))
    evening = timezone.make_aware(datetime.datetime(2026, 3, 2, 23, 50))
    page = Template('{{ a|date:"l j b Y" }} / {{ b|date:"j b Y H:i" }}')
    with translation.override("nl"):
        assert page.render(Context({"a": morning, "b": evening})) == (
            "maandag 2 mrt 2026 / 2 mrt 2026 23:50"
        )
    with translation.override("en"):
        assert page.render(Context({"a": evening, "b": morning})) == (
            "Monday 2 mar 2026 / 2 mar 2026 08:15"
        )


@settings(max_examples=200, deadline=None)
@given(
    value=st.one_of(moments, st.dates()),
    arg=st.sampled_from([f for f in FORMATS if dates._of_the_day(f)]),
    language=st.sampled_from(["nl", "en"]),
    zone=st.sampled_from(["Europe/Amsterdam", "UTC", "Pacific/Kiritimati"]),
)
def test_a_tables_day_format_gives_the_filters_text(
    value: datetime.date, arg: str, language: str, zone: str
) -> None:
    """`DayFormat`, made once per table, gives every row what `{{ value|date:arg }}` gives
    in the language and time zone active when the table is made."""
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
        day = dates.DayFormat(arg)
        page = Template("{{ value|date:arg }}").render(Context({"value": value, "arg": arg}))
    assert day(value) == page


def test_a_tables_day_format_refuses_a_time_of_day_and_a_naive_moment() -> None:
    with pytest.raises(ValueError, match="day alone"):
        dates.DayFormat("j b Y H:i")
    with pytest.raises(ValueError, match="naive"):
        dates.DayFormat("j b Y")(datetime.datetime(2026, 3, 2, 8, 15))
