"""The signal list written in Python (`{% signals %}`) gives the HTML of the template it
replaced (cases/_signals.html, kept here as SIGNALS_TEMPLATE), for any text, in both
languages; and the case page and attention list still show what each signal is about."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from kansrijk.cases.models import Child
from kansrijk.cases.selectors import SignalShown
from tests.cases.test_case_table import _normal

#: cases/_signals.html as it was.
SIGNALS_TEMPLATE = """{% load i18n %}
<ul class="signals" data-testid="signals">{% for signal in signals %}
  <li data-testid="signal">
    <strong>{{ signal.domain_label }}</strong> · {{ signal.urgency_label }}{% if signal.urgency == "high" %} <span class="badge badge--p2">{% translate "urgent" %}</span>{% endif %}
    {% if signal.child %}· {{ signal.child.given_name }} {% endif %}· {{ signal.created_at|date:"j b Y" }}{% if signal.author %} · {{ signal.author }}{% endif %}
    {% if signal.description is not None %}<p class="signal-text" data-testid="signal-text">{{ signal.description|linebreaksbr }}</p>{% endif %}
  </li>
{% endfor %}</ul>
{% if more %}<p class="help" data-testid="more-signals">{% blocktranslate count counter=more %}And {{ counter }} older signal, on the case page.{% plural %}And {{ counter }} older signals, on the case page.{% endblocktranslate %}</p>{% endif %}
"""  # noqa: E501

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
HOSTILE = "<script>alert(\"x\")</script> & 'o' ü"

texts = st.text(max_size=40)
signal_shown = st.builds(
    SignalShown,
    pk=st.integers(1, 10**6),
    child=st.one_of(st.none(), texts.map(lambda name: Child(given_name=name))),
    domain=st.sampled_from(["learning", "home"]),
    domain_label=texts,
    urgency=st.sampled_from(["high", "normal", "low"]),
    urgency_label=texts,
    created_at=st.datetimes(
        min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime(2040, 1, 1)
    ).map(lambda moment: moment.replace(tzinfo=AMSTERDAM)),
    description=st.one_of(
        st.none(),
        st.text(max_size=80),
        st.lists(st.sampled_from(["a", "\r", "\n", "<"])).map("".join),
        st.text(max_size=20).map(mark_safe),  # HTML already: not escaped again
    ),
    author=st.one_of(st.none(), texts),
)


def _both(signals: list[SignalShown], more: int) -> tuple[str, str]:
    values = Context({"signals": signals, "more": more})
    before = Template(SIGNALS_TEMPLATE).render(values)
    now = Template("{% load signal_list %}{% signals signals more %}").render(values)
    return _normal(before), _normal(now)


@pytest.mark.parametrize("language", ["nl", "en"])
@settings(max_examples=60, deadline=None)
@given(signals=st.lists(signal_shown, max_size=4), more=st.integers(0, 3))
def test_the_same_html_as_the_template(language: str, signals: list[SignalShown], more: int):
    with translation.override(language):
        before, now = _both(signals, more)
    assert now == before


@pytest.mark.parametrize("language", ["nl", "en"])
def test_hostile_text_is_escaped_as_the_template_escaped_it(language: str):
    signal = SignalShown(
        pk=1,
        child=Child(given_name=HOSTILE),
        domain="learning",
        domain_label=HOSTILE,
        urgency="high",
        urgency_label=HOSTILE,
        created_at=datetime.datetime(2026, 12, 3, 23, 30, tzinfo=datetime.UTC),
        description=f"regel één\n{HOSTILE}\n\nderde\r\nvierde\rvijfde\r\r\n",
        author=HOSTILE,
    )
    with translation.override(language):
        before, now = _both([signal, signal], 7)
    assert now == before
    assert "<script>" not in now and "&lt;script&gt;" in now
    assert "derde<br>vierde<br>vijfde<br><br></p>" in now  # Windows and old Mac lines too
    assert "4 dec 2026" in now  # the day in Amsterdam
