"""The rows of a school's attention list, written in Python: a page of 50 pupils, each with
its children, reason, need, newest signals, state, contact person and, for who keeps the
list, a link that opens the row's forms (to set the need, to take the pupil off) in place:
the forms are written for the opened row and a row sent back with errors only (issue 17:
forms per item are loaded when opened; they were 40 % of the page's HTML).

Through the template a row cost ~1.6 ms (issue 17: 80 % of the page, measured on a region at
0.05). The HTML is the template's (tests/attention/test_attention_rows.py holds them equal),
every value escaped (`text`, `shown`), the words and choices read once per rendering.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from kansrijk.attention.models import AttentionChange, AttentionEntry, Need
from kansrijk.cases.models import Case
from kansrijk.cases.templatetags.case_tables import children_text
from kansrijk.cases.templatetags.signal_list import SignalWords, signal_list
from kansrijk.core.choices import labels_now, per_language
from kansrijk.core.html_text import shown, text
from kansrijk.core.templatetags.dates import DayFormat
from kansrijk.core.templatetags.urls import reverser

register = template.Library()

TEXTBOX = 'class="utrecht-textbox utrecht-textbox--html-input"'


class _Fixed:
    """The rows' fixed words in one language, escaped (`per_language`)."""

    def __init__(self) -> None:
        self.case = gettext("Case %(number)s")
        self.group = text(gettext("gr."))
        self.new = text(gettext("new"))
        self.changed = text(gettext("changed"))
        self.from_route = text(gettext("from the route (consent given)"))
        self.needs = text(gettext("What does the pupil need?"))
        self.reason = text(gettext("Reason for extra attention"))
        self.save = text(gettext("Save"))
        self.take_off = text(gettext("Take off the list"))
        self.edit = text(gettext("Edit"))
        self.why = text(gettext("Why does the pupil leave the list?"))
        self.options = [(value, text(str(label))) for value, label in Need.choices]


_fixed = per_language(_Fixed)


class _Words(_Fixed):
    """What every row writes alike: the fixed words (translated once per language, `_Fixed`),
    the rest read once per rendering."""

    def __init__(self, context: Any) -> None:  # not _Fixed's: its words are copied
        vars(self).update(vars(_fixed()))
        self.need = labels_now(AttentionEntry, "need")
        self.state = labels_now(Case, "state")
        self.url = reverser()
        self.signals = SignalWords()
        self.csrf = str(CsrfTokenNode().render(context))  # Django's own node


def _errors(errors: Any) -> str:
    return "".join(f'<span class="error">{text(error)}</span>' for error in errors)


def _sent_back(form: Any, *fields: str) -> str:
    """Every error of a form sent back: the form's own, then each field's."""
    return _errors(form.non_field_errors()) + "".join(_errors(form[f].errors) for f in fields)


def _keep(entry: AttentionEntry, words: _Words, page: str) -> str:
    """The keeper's forms: what the pupil needs (and a reason, when there is none yet), and
    taking the pupil off the list with a reason; a form sent back shows its errors and keeps
    what was typed and chosen."""
    kind = getattr(entry, "form_kind", "")
    form = getattr(entry, "form", None)
    need_back = form if kind == "need" else None
    remove_back = form if kind == "remove" else None
    hidden = f'<input type="hidden" name="page" value="{page}">'
    chosen = need_back.data.get("need") if need_back is not None else None
    if chosen not in Need.values:
        chosen = entry.need
    options = "".join(
        f'<option value="{value}"{" selected" if value == chosen else ""}>{label}</option>'
        for value, label in words.options
    )
    typed_reason = need_back.data.get("reason", "") if need_back is not None else ""
    reason = (
        f'<label>{words.reason} <input type="text" name="reason" maxlength="500" '
        f'{TEXTBOX} value="{text(typed_reason)}"></label>'
        if not entry.reason or typed_reason
        else ""
    )
    typed = text(remove_back.data.get("reason", "")) if remove_back is not None else ""
    need_url = text(words.url("attention:entry_need", entry.pk))
    remove_url = text(words.url("attention:entry_remove", entry.pk))
    return (
        f'<td><form method="post" action="{need_url}">{words.csrf}{hidden}'
        f"{_sent_back(need_back, 'need', 'reason') if need_back is not None else ''}"
        f'<label>{words.needs} <select name="need" class="utrecht-select">{options}</select>'
        f'</label> {reason} <button type="submit" class="utrecht-button">{words.save}</button>'
        f"</form><details{' open' if kind == 'remove' else ''}><summary>{words.take_off}"
        f'</summary><form method="post" action="{remove_url}">{words.csrf}{hidden}'
        f"{_sent_back(remove_back, 'reason') if remove_back is not None else ''}"
        f'<label>{words.why} <input type="text" name="reason" maxlength="500" {TEXTBOX} '
        f'value="{typed}"></label> <button type="submit" class="utrecht-button">'
        f"{words.take_off}</button></form></details></td>"
    )


def _opener(entry: AttentionEntry, words: _Words, page: str, number: str) -> str:
    """The keeper's cell of a row not opened: the link that opens its forms, on this page."""
    pk = shown(entry.pk)
    return (
        f'<td><a class="utrecht-link" href="?page={page}&amp;open={pk}#entry-{pk}" '
        f'data-testid="open-entry">{words.edit}<span class="visually-hidden"> {number}</span>'
        "</a></td>"
    )


def _row(entry: AttentionEntry, words: _Words, keeps: bool, page: str, opened: str) -> str:
    case = entry.case
    number = words.case % {"number": shown(case.pk)}
    badge = (
        f' <span class="badge badge--p2" data-testid="attention-badge">{words.new}</span>'
        if getattr(entry, "is_new", False)
        else f' <span class="badge" data-testid="attention-badge">{words.changed}</span>'
        if getattr(entry, "is_changed", False)
        else ""
    )
    p1 = ' <span class="badge badge--p1">P1</span>' if case.priority == 1 else ""
    route = f"<br><small>{words.from_route}</small>" if entry.source == "route" else ""
    signals = signal_list(
        getattr(case, "shown_signals", []), getattr(case, "more_signals", 0) or 0, words.signals
    )
    keep = ""
    if keeps:
        is_open = str(entry.pk) == opened or bool(getattr(entry, "form_kind", ""))
        keep = _keep(entry, words, page) if is_open else _opener(entry, words, page, number)
    return (
        f'<tr id="entry-{shown(entry.pk)}" data-testid="attention-entry"><td><a href="'
        f'{text(words.url("cases:case_detail", case.pk))}">{number}</a>: '
        f"{children_text(case, words.group)}{badge}{p1}</td>"
        f"<td>{text(entry.reason) if entry.reason else '—'}{route}</td>"
        f"<td>{text(words.need.get(entry.need, entry.need)) or '—'}</td>"
        f"<td>{signals}</td><td>{text(words.state.get(case.state, case.state))}</td>"
        f"<td>{shown(case.contact_person)}</td>"
        f"{keep}</tr>"
    )


@register.simple_tag(takes_context=True)
def attention_rows(
    context: Any,
    entries: list[AttentionEntry],
    keeps: bool,
    page_number: int,
    opened: str | int = "",
) -> SafeString:
    """`{% attention_rows entries keeps page.number opened %}`: the rows of the table's body,
    the forms of the entry `opened` (its id, `?open=` as asked: compared as text, as the
    agenda's) written out."""
    words = _Words(context)
    page = shown(page_number)
    rows = (_row(entry, words, keeps, page, str(opened)) for entry in entries)
    return mark_safe("".join(rows))  # noqa: S308


@register.simple_tag
def history_rows(changes: list[AttentionChange]) -> SafeString:
    """`{% history_rows changes %}`: the history page's rows, when, who, which pupil and what
    (through the template ~0.2 ms a row, the page's 100 rows 20 ms of CPU at region scale
    1.0). The HTML is the template's (tests/attention/test_attention_rows.py)."""
    case = gettext("Case %(number)s")
    kinds = labels_now(AttentionChange, "kind")
    day = DayFormat("j b Y")
    zone = timezone.get_current_timezone()
    rows = []
    for change in changes:
        at = timezone.localtime(change.at, zone)
        children = ", ".join(
            f"{text(child.given_name)} {text(child.family_name[:1])}."
            for child in getattr(change.entry.case, "shown_children", ())
        )
        what = text(kinds.get(change.kind, change.kind))
        if change.detail:
            what += f": {text(change.detail)}"
        rows.append(
            f'<tr data-testid="attention-change"><td>{day(at)} {at:%H:%M}</td>'
            f"<td>{text(change.by)}</td>"
            f"<td>{text(case % {'number': change.entry.case_id})}: {children}</td>"
            f"<td>{what}</td></tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above went through text
