"""The tables of my work and the case list — its cases, a signaller's own signals and the
user's open plan actions — their rows written in Python.

A page lists up to 80 cases (the IB's pupils by state) and 50 signals, and Django's template
language spent about a fifth of such a page's CPU on these rows (issue 17: ~0.15 ms a row of
seven cells; measured on a region at 0.05, 80 rows: 10–19 ms against 1–2 ms here). Every
value is escaped (`_text`, as Django's `conditional_escape`), the words translated once per
table, and the HTML is the same as the templates' was.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from kansrijk.cases.models import Case, PlanAction, Signal
from kansrijk.core.choices import labels_now, per_language
from kansrijk.core.html_text import text as _text
from kansrijk.core.templatetags.dates import DayFormat
from kansrijk.core.templatetags.urls import reverser

register = template.Library()

#: The badge a case's priority shows (P1 safety, P2 high; none for normal).
BADGES: dict[int, str] = {Case.Priority.SAFETY: "p1", Case.Priority.HIGH: "p2"}


@dataclass(frozen=True)
class _Fixed:
    """The tables' fixed words in one language (`per_language`): escaped, and the headings
    as their cells; `case` is a format, escaped once filled in."""

    case: str
    group: str
    stalled: str
    overdue: str
    done: str
    no_cases: str
    case_head: str
    signal_head: str
    action_head: str


def _head(*labels: str) -> str:
    return "".join(f'<th scope="col">{_text(label)}</th>' for label in labels)


@per_language
def _fixed() -> _Fixed:
    done = _text(gettext("Done"))
    return _Fixed(
        case=gettext("Case %(number)s"),
        group=_text(gettext("gr.")),
        stalled=_text(gettext("stalled")),
        overdue=_text(gettext("overdue")),
        done=_text(gettext("Mark done")),
        no_cases=_text(gettext("No cases.")),
        case_head=_head(
            gettext("Case"),
            gettext("Children"),
            gettext("Centre"),
            gettext("State"),
            gettext("Contact person"),
            gettext("Last step"),
        ),
        signal_head=_head(
            gettext("Date"),
            gettext("Pupil"),
            gettext("About"),
            gettext("State now"),
            gettext("Contact person"),
        ),
        action_head=_head(gettext("Action"), gettext("Case"), gettext("Due date"))
        + f'<th scope="col"><span class="visually-hidden">{done}</span></th>',
    )


class _Words:
    """What every row of a table writes alike, read once per table: the fixed words in the
    active language (translated once per language), the choices' labels, the URLs' and
    dates' context (each a context-local lookup, several per row; issue 17)."""

    def __init__(self) -> None:
        self.fixed = fixed = _fixed()
        self.case = fixed.case
        self.group = fixed.group
        self.stalled = fixed.stalled
        self.overdue = fixed.overdue
        self.done = fixed.done
        self.url = reverser()
        self.day = DayFormat("j b Y")
        self.state = labels_now(Case, "state")
        self.outcome = labels_now(Case, "outcome")
        self.domain = labels_now(Signal, "domain")


def children_text(case: Case, group_word: str) -> str:
    """The children the case shows the user (`case.shown_children`): "Sem V. (gr. 5)";
    `group_word` is "gr." translated and escaped."""
    shown = []
    for child in getattr(case, "shown_children", ()):
        group = f" ({group_word} {_text(child.group)})" if child.group else ""
        shown.append(f"{_text(child.given_name)} {_text(child.family_name[:1])}.{group}")
    return ", ".join(shown)


def _row(case: Case, stalled_before: datetime.datetime | None, words: _Words) -> str:
    badge = BADGES.get(case.priority)
    priority = f' <span class="badge badge--{badge}">P{case.priority}</span>' if badge else ""
    last_step = case.last_step_at
    stalled = (
        f' <span class="badge badge--stalled">{words.stalled}</span>'
        if case.is_open and stalled_before is not None and last_step < stalled_before
        else ""
    )
    return (
        f'<tr><td><a href="{_text(words.url("cases:case_detail", case.pk))}">'
        f"{_text(words.case % {'number': case.pk})}</a>{priority}</td>"
        f"<td>{children_text(case, words.group)}</td>"
        f"<td>{_text(case.location.name)}</td>"
        f"<td>{_text(words.state.get(case.state, case.state))}</td>"
        f"<td>{_text(case.contact_person)}</td>"
        f"<td>{_text(words.day(last_step))}{stalled}</td></tr>"
    )


@register.simple_tag(takes_context=True)
def case_table(context: Any, cases: Iterable[Case], caption: str) -> SafeString:
    """`{% case_table cases caption %}`: case, children, centre, state, contact person and
    last step, the stalled ones marked (`stalled_before` from the page's context)."""
    words = _Words()
    stalled_before = context.get("stalled_before")
    rows = "".join(_row(case, stalled_before, words) for case in cases)
    if not rows:
        rows = f'<tr><td colspan="6">{words.fixed.no_cases}</td></tr>'
    head = words.fixed.case_head
    return mark_safe(  # noqa: S308 - every value above went through _text
        f'<table class="utrecht-table"><caption class="visually-hidden">{_text(caption)}'
        f"</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def _signal_row(signal: Signal, words: _Words) -> str:
    child = signal.child
    name = f"{_text(child.given_name)} {_text(child.family_name)}"
    if getattr(signal, "may_open", False):
        href = _text(words.url("cases:case_detail", signal.case_id))
        name = f'<a href="{href}">{name}</a>'
    case = signal.case
    state = _text(words.state.get(case.state, case.state))
    if case.outcome:
        state += f": {_text(words.outcome.get(case.outcome, case.outcome))}"
    return (
        f"<tr><td>{_text(words.day(signal.created_at))}</td>"
        f"<td>{name}</td>"
        f"<td>{_text(words.domain.get(signal.domain, signal.domain))}</td>"
        f"<td>{state}</td>"
        f"<td>{_text(case.contact_person)}</td></tr>"
    )


@register.simple_tag
def signal_table(signals: Iterable[Signal]) -> SafeString:
    """`{% signal_table signals %}`: a signaller's own signals (`selectors.signals_by`) with
    the pupil (a link where the case page answers: `may_open`), what it is about, the
    case's state and outcome now and its contact person."""
    words = _Words()
    head = words.fixed.signal_head
    rows = "".join(_signal_row(signal, words) for signal in signals)
    return mark_safe(  # noqa: S308 - every value above went through _text
        f'<table class="utrecht-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
    )


def _action_row(action: PlanAction, today: datetime.date | None, words: _Words, csrf: str) -> str:
    due = action.due_date
    overdue = (
        f' <span class="badge badge--p2">{words.overdue}</span>'
        if due and today is not None and due < today
        else ""
    )
    case_id = action.plan.case_id
    done = _text(words.url("cases:plan_action_done", action.pk))
    return (
        f"<tr><td>{_text(action.description)}</td>"
        f'<td><a href="{_text(words.url("cases:case_detail", case_id))}">'
        f"{_text(words.case % {'number': case_id})}</a></td>"
        f"<td>{_text(words.day(due) if due else '') or '—'}{overdue}</td>"
        f'<td><form method="post" action="{done}">{csrf}<input type="hidden" name="done" '
        f'value="1"><button class="utrecht-button utrecht-button--secondary-action" '
        f'type="submit">{words.done}</button></form></td></tr>'
    )


@register.simple_tag(takes_context=True)
def action_table(context: Any, actions: Iterable[PlanAction]) -> SafeString:
    """`{% action_table actions %}`: my work's open plan actions (`selectors.my_actions`):
    what, the case, the due date (overdue before `today` of the page's context) and a
    button to mark it done."""
    words = _Words()
    csrf = str(CsrfTokenNode().render(context))
    today = context.get("today")
    head = words.fixed.action_head
    rows = "".join(_action_row(action, today, words, csrf) for action in actions)
    return mark_safe(  # noqa: S308 - every value above went through _text
        f'<table class="utrecht-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
    )
