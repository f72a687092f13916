"""The values that rows made in Python write (kansrijk.core.html_text) are the text Django's
template language writes for `{{ value }}`, in both languages and with or without thousands
separators."""

from __future__ import annotations

import datetime
import decimal
import zoneinfo

from django.template import Context, Template
from django.test import override_settings
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given, settings
from hypothesis import strategies as st

from kansrijk.core.html_text import shown, text

values = st.one_of(
    st.text(max_size=20),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.decimals(allow_nan=False, allow_infinity=False, places=2, max_value=10**9),
    st.dates(),
    st.datetimes(
        min_value=datetime.datetime(1990, 1, 1),
        timezones=st.sampled_from([datetime.UTC, zoneinfo.ZoneInfo("Europe/Amsterdam")]),
    ),
    st.text(max_size=10).map(mark_safe),
    st.sampled_from([gettext_lazy("Case"), gettext_lazy("State")]),
)


@settings(max_examples=400, deadline=None)
@given(value=values, language=st.sampled_from(["nl", "en"]), separators=st.booleans())
def test_shown_is_what_the_template_writes(value: object, language: str, separators: bool) -> None:
    with translation.override(language), override_settings(USE_THOUSAND_SEPARATOR=separators):
        page = Template("{{ value }}").render(Context({"value": value}))
        assert shown(value) == page


@settings(max_examples=200, deadline=None)
@given(value=values)
def test_text_is_conditional_escape(value: object) -> None:
    assert text(value) == str(conditional_escape(value))  # type: ignore[arg-type]


def test_a_decimal_with_separators() -> None:
    with translation.override("nl"), override_settings(USE_THOUSAND_SEPARATOR=True):
        assert shown(1234567) == "1.234.567"
        assert shown(decimal.Decimal("1234.50")) == "1.234,50"
    assert shown("<b>") == "&lt;b&gt;"
