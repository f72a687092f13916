"""An item of the meeting's agenda as the table sees it, written in Python.

The meeting screen shows a page of 25 items, each with its label, why it is there, its
signals, the consent, the time, the decision and actions, and the chair's buttons; through
the template language that cost ~0.9 ms an item, three quarters of the page's rendering
(issue 17; measured on a region at 0.05: 22 of 29 ms). The HTML is the template's
(`tests/meetings/test_agenda_item.py` holds them equal), every value escaped (`text`,
`shown`); the decision form of the one item opened stays in the template (meeting.html).
An item of the list to pull in (`rest_item`, 25 a page) likewise.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from kansrijk.cases.templatetags.case_tables import BADGES
from kansrijk.cases.templatetags.signal_list import SignalWords, signal_list
from kansrijk.core.choices import per_language
from kansrijk.core.html_text import shown, text
from kansrijk.core.templatetags.urls import reverser
from kansrijk.meetings.selectors import ItemView

register = template.Library()


class _Fixed:
    """The item's fixed words in one language, escaped (`per_language`)."""

    def __init__(self) -> None:
        self.reasons = text(gettext("Why it is on the agenda"))
        self.consent_ok = text(gettext("The consent covers everyone at the table."))
        self.consent_missing = text(
            gettext("No consent for everyone at the table: discussed without identifying data.")
        )
        self.time = text(gettext("Time"))
        self.min = text(gettext("min"))
        self.now = text(gettext("now being discussed"))
        self.decision = text(gettext("Decision"))
        self.step = text(gettext("Step"))
        self.done = text(gettext("done"))
        self.decided = text(gettext("decided"))
        self.start = text(gettext("Start this item"))
        self.aside = text(gettext("Put aside"))
        self.record = text(gettext("Record a decision"))
        self.up = text(gettext("Move up"))
        self.down = text(gettext("Move down"))
        self.pull_in = text(gettext("Pull onto the table"))
        # Django's blocktranslate: the text as translated, the values escaped.
        self.planned = gettext("Planned at %(at)s, %(minutes)s min")
        self.open_case = gettext("Open case %(number)s")


_fixed = per_language(_Fixed)


class _Words(_Fixed):
    """The item's words in the active language (translated once per language, `_Fixed`),
    and what else every item writes alike, read once per rendering."""

    def __init__(self) -> None:  # not _Fixed's: its words are copied, not translated again
        vars(self).update(vars(_fixed()))
        self.url = reverser()
        self.signals = SignalWords()
        self.day = self.signals.day
        self.csrf = ""  # the rendering's `{% csrf_token %}`, written by its first item
        self.zone = timezone.get_current_timezone()


def _words(context: Any) -> _Words:
    """The words of this rendering, made by its first item."""
    words: _Words | None = context.render_context.get(_Words)
    if words is None:
        words = context.render_context[_Words] = _Words()
        words.csrf = str(CsrfTokenNode().render(context))  # Django's own node
    return words


def _move(direction: str, disabled: str, label: str, number: str) -> str:
    return (
        f'<button type="submit" name="direction" value="{direction}" '
        f'class="utrecht-button utrecht-button--subtle"{disabled}>{label}'
        f'<span class="visually-hidden"> {number}</span></button>'
    )


def _chair_buttons(context: Any, view: ItemView, words: _Words, number: str) -> str:
    """Start, put aside, record a decision, move up and down: the chair's, before the end."""
    item, meeting, page = view.item, context["meeting"], context["page"]
    forloop = context["forloop"]
    csrf = words.csrf
    html = '<div class="actions">'
    if meeting.state == "running" and not view.running:
        action = text(words.url("meetings:item_start", item.pk))
        html += (
            f'<form method="post" action="{action}" class="inline">{csrf} <button type="submit" '
            f'class="utrecht-button utrecht-button--secondary-action">{words.start}</button>'
            "</form>"
        )
    if not item.started_at and not item.decided_at:
        action = text(words.url("meetings:item_place", item.pk))
        html += (
            f'<form method="post" action="{action}" class="inline">{csrf} <button type="submit" '
            'name="place" value="aside" class="utrecht-button utrecht-button--subtle" '
            f'data-testid="put-aside">{words.aside}</button></form>'
        )
    if not getattr(view, "form", None) and not view.left_out:
        on_page = f"page={shown(page.number)}&amp;" if page.number > 1 else ""
        pk = shown(item.pk)
        html += (
            f'<a class="utrecht-link" href="?{on_page}open={pk}#item-{pk}" '
            f'data-testid="open-decision">{words.record}</a>'
        )
    up = " disabled" if forloop["first"] and not page.has_previous else ""
    down = " disabled" if forloop["last"] and not page.has_next else ""
    action = text(words.url("meetings:item_move", item.pk))
    html += (
        f'<form method="post" action="{action}" class="inline">{csrf} '
        f"{_move('up', up, words.up, number)} {_move('down', down, words.down, number)} </form>"
    )
    return html + "</div>"


def _body(context: Any, view: ItemView, words: _Words, number: str) -> str:
    """Everything of an item that is not compact: from why it is there to the buttons."""
    item, is_chair = view.item, context.get("is_chair")
    html = ""
    if view.reasons:
        reasons = "".join(
            f'<li class="badge" data-testid="reason">{text(reason)}</li>' for reason in view.reasons
        )
        html += f'<ul class="reasons" aria-label="{words.reasons}">{reasons}</ul>'
    if view.signals:
        html += signal_list(view.signals, view.more_signals, words.signals)
    if item.case_id:
        if view.identified:
            html += f'<p data-testid="consent" data-consent="ok">{words.consent_ok}</p>'
        else:
            html += (
                '<p class="consent--missing" data-testid="consent" data-consent="missing">'
                f"{words.consent_missing}</p>"
            )
        if is_chair and view.consent.notes:
            notes = "".join(f"<li>{text(note)}</li>" for note in view.consent.notes)
            html += f'<ul class="help" data-testid="consent-notes">{notes}</ul>'
        if is_chair and view.identified:
            href = text(words.url("cases:case_detail", item.case_id))
            label = words.open_case % {"number": shown(item.case_id)}
            html += f'<p><a href="{href}">{label}</a></p>'
    minutes = shown(view.minutes)
    if view.running:
        minutes = f'<span data-clock-seconds="{shown(view.seconds)}">{minutes}</span>'
        now = f" — <strong>{words.now}</strong>"
    else:
        now = ""
    html += f"<p>{words.time}: {minutes} {words.min}{now}</p>"
    if item.decided_at:
        html += (
            f'<p data-testid="decision"><strong>{words.decision}:</strong> '
            f"{shown(item.decision)}</p>"
        )
        if view.step_label:
            html += (
                f'<p data-testid="step"><strong>{words.step}:</strong> {shown(view.step_label)}'
                f" → {shown(item.step.get_to_state_display())}</p>"  # type: ignore[union-attr]
            )
    if view.actions:
        actions = "".join(
            f"<li>{text(a.description)} — {shown(a.owner)}, {text(words.day(a.due_date))}"
            f"{f' ({words.done})' if a.done else ''}</li>"
            for a in view.actions
        )
        html += f'<ul data-testid="actions">{actions}</ul>'
    if is_chair and context["meeting"].state != "finished":
        html += _chair_buttons(context, view, words, number)
    return html


@register.simple_tag(takes_context=True)
def agenda_item(context: Any, view: ItemView) -> SafeString:
    """`{% agenda_item v %}` in the loop over a page's items: the item's `<li>` up to where
    its decision form goes (the template writes the form, if loaded, and `</li>`). Reads
    `meeting`, `is_chair`, `page`, `forloop` and `csrf_token` from the context."""
    words = _words(context)
    item = view.item
    pk = shown(item.pk)
    number = shown(context["forloop"]["counter"] + context["page"].start)
    state = (
        " agenda-item--running"
        if view.running
        else " agenda-item--decided"
        if item.decided_at
        else ""
    )
    compact = " agenda-item--compact" if view.compact else ""
    badge = BADGES.get(item.case.priority) if item.case is not None else None
    priority = f' <span class="badge badge--{badge}">P{item.case.priority}</span>' if badge else ""  # type: ignore[union-attr]
    # Django's `time:"H:i"` in local time: its filter machinery cost 12 µs an item, this 1.
    at = timezone.localtime(view.planned_at, words.zone).strftime("%H:%M")
    planned = words.planned % {"at": at, "minutes": shown(item.allotted_minutes)}
    decided = f" · {words.decided}" if item.decided_at else ""
    html = (
        f'<li id="item-{pk}" class="agenda-item{state}{compact}" data-testid="agenda-item" '
        f'data-item="{pk}"><h3>{number}. <span data-testid="item-label">{text(view.label)}'
        f"</span>{priority}</h3>"
        f'<p class="planned" data-testid="planned">{planned}{decided}</p>'
    )
    if view.compact:
        if context.get("is_chair"):
            action = text(words.url("meetings:item_start", item.pk))
            html += (
                f'<form method="post" action="{action}" class="inline">{words.csrf} '
                '<button type="submit" class="utrecht-button utrecht-button--secondary-action">'
                f"{words.start}</button></form>"
            )
    else:
        html += _body(context, view, words, number)
    return mark_safe(html)  # noqa: S308 - every value above went through text or shown


@register.simple_tag(takes_context=True)
def rest_item(context: Any, view: ItemView) -> SafeString:
    """`{% rest_item v %}`: an item of the list to pull in, its `<li>` whole: the label, why
    it qualifies, and for the chair of a meeting not finished the button that pulls it onto
    the table. Reads `meeting`, `is_chair` and `csrf_token` from the context."""
    words = _words(context)
    pk = shown(view.item.pk)
    label = text(view.label)
    reasons = "".join(f'<span class="badge">{text(reason)}</span>' for reason in view.reasons)
    html = (
        f'<li id="item-{pk}" data-testid="rest-item" data-item="{pk}">'
        f'<span data-testid="item-label">{label}</span> {reasons}'
    )
    if context.get("is_chair") and context["meeting"].state != "finished":
        action = text(words.url("meetings:item_place", view.item.pk))
        html += (
            f' <form method="post" action="{action}" class="inline">{words.csrf} '
            '<button type="submit" name="place" value="table" class="utrecht-button '
            f'utrecht-button--subtle" data-testid="pull-in">{words.pull_in}'
            f'<span class="visually-hidden"> {label}</span></button></form>'
        )
    return mark_safe(html + "</li>")  # noqa: S308 - every value above went through text or shown
