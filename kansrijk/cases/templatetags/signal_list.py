"""What each signal of a case is about, at the viewer's level, written in Python: the case
page's 50 newest, three a case on the attention list and on the agenda.

Through the template (cases/_signals.html, a row ~0.3 ms; issue 17) the case page's signals
were a quarter of its rendering. The HTML is the template's (tests/cases/test_signal_list.py
holds them equal), every value escaped (`text`, `shown`), the words read once per rendering.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from kansrijk.cases.selectors import SignalShown
from kansrijk.core.html_text import shown, text
from kansrijk.core.templatetags.dates import DayFormat

register = template.Library()


class SignalWords:
    """The list's words and day format in the active language, read once per rendering."""

    def __init__(self) -> None:
        self.urgent = text(gettext("urgent"))
        self.day = DayFormat("j b Y")
        self._older: dict[int, str] = {}

    def older(self, more: int) -> str:
        """ "And 7 older signals, on the case page.", per number once per rendering."""
        line = self._older.get(more)
        if line is None:
            line = self._older[more] = ngettext(
                "And %(counter)s older signal, on the case page.",
                "And %(counter)s older signals, on the case page.",
                more,
            ) % {"counter": shown(more)}
        return line


def signal_list(signals: list[SignalShown], more: int, words: SignalWords) -> str:
    """The signals as a list, with a line for the `more` older ones the case page holds."""
    rows = []
    for signal in signals:
        urgent = (
            f' <span class="badge badge--p2">{words.urgent}</span>'
            if signal.urgency == "high"
            else ""
        )
        child = f"· {text(signal.child.given_name)} " if signal.child else ""
        author = f" · {shown(signal.author)}" if signal.author else ""
        description = (
            f'<p class="signal-text" data-testid="signal-text">{_lines(signal.description)}</p>'
            if signal.description is not None
            else ""
        )
        created = text(words.day(signal.created_at))
        rows.append(
            f'<li data-testid="signal"><strong>{text(signal.domain_label)}</strong> · '
            f"{text(signal.urgency_label)}{urgent} {child}· {created}{author} {description}</li>"
        )
    html = f'<ul class="signals" data-testid="signals">{"".join(rows)}</ul>'
    if more:
        html += f'<p class="help" data-testid="more-signals">{words.older(more)}</p>'
    return html


def _lines(description: str) -> str:
    """Django's `linebreaksbr` with autoescaping, for plain text: its filter machinery cost
    more than the escaping (a tenth of an attention list's CPU, issue 17)."""
    if hasattr(description, "__html__"):  # HTML already: as the filter, not escaped again
        return str(linebreaksbr(description, autoescape=True))
    lines = description.replace("\r\n", "\n").replace("\r", "\n")
    return text(lines).replace("\n", "<br>")


@register.simple_tag(takes_context=True)
def signals(context: Any, signals: list[SignalShown], more: int) -> SafeString:
    """`{% signals case.shown_signals case.more_signals %}`."""
    words: SignalWords | None = context.render_context.get(SignalWords)
    if words is None:
        words = context.render_context[SignalWords] = SignalWords()
    return mark_safe(signal_list(signals, more or 0, words))  # noqa: S308 -- escaped above
