"""The attention list's rows written in Python (`{% attention_rows %}`) give the HTML of the
template they replaced (ROWS, as attention/list.html wrote them), for every state of an
entry, for who keeps the list and who reads it, with forms sent back with errors, with
hostile text, in both languages."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.template import Context, Template
from django.utils import translation

from kansrijk.attention.forms import NeedForm, RemoveForm
from kansrijk.attention.models import AttentionChange, AttentionEntry, Need
from kansrijk.cases.models import Case, Child
from kansrijk.cases.selectors import SignalShown
from kansrijk.core.models import Professional
from tests.cases.test_case_table import _normal

#: The rows of attention/list.html as they were (in its {% for %}, without the empty row), with
#: what a form sent back keeps since: every error, the need chosen and the reason typed; and,
#: since the forms are written for the opened row only, the link that opens the others.
ROWS = """{% load i18n signal_list %}  {% for entry in entries %}{% with case=entry.case %}
    <tr id="entry-{{ entry.pk }}" data-testid="attention-entry">
      <td><a href="{% url 'cases:case_detail' case.pk %}">{% blocktranslate with number=case.pk %}Case {{ number }}{% endblocktranslate %}</a>:
        {% for child in case.shown_children %}{{ child.given_name }} {{ child.family_name|slice:":1" }}.{% if child.group %} ({% translate "gr." %} {{ child.group }}){% endif %}{% if not forloop.last %}, {% endif %}{% endfor %}        {% if entry.is_new %} <span class="badge badge--p2" data-testid="attention-badge">{% translate "new" %}</span>{% elif entry.is_changed %} <span class="badge" data-testid="attention-badge">{% translate "changed" %}</span>{% endif %}
        {% if case.priority == 1 %}<span class="badge badge--p1">P1</span>{% endif %}</td>
      <td>{{ entry.reason|default:"—" }}{% if entry.source == "route" %}<br><small>{% translate "from the route (consent given)" %}</small>{% endif %}</td>
      <td>{{ entry.get_need_display|default:"—" }}</td>
      <td>{% signals case.shown_signals case.more_signals %}</td>
      <td>{{ case.get_state_display }}</td>
      <td>{{ case.contact_person }}</td>
      {% if keeps %}{% if entry.pk == opened or entry.form_kind %}<td>
        <form method="post" action="{% url 'attention:entry_need' entry.pk %}">{% csrf_token %}<input type="hidden" name="page" value="{{ page.number }}">
          {% if entry.form_kind == "need" %}{% for error in entry.form.non_field_errors %}<span class="error">{{ error }}</span>{% endfor %}{% for error in entry.form.need.errors %}<span class="error">{{ error }}</span>{% endfor %}{% for error in entry.form.reason.errors %}<span class="error">{{ error }}</span>{% endfor %}{% endif %}
          <label>{% translate "What does the pupil need?" %}
          <select name="need" class="utrecht-select">{% for value, label in need_form.fields.need.choices %}<option value="{{ value }}"{% if entry.form_kind == "need" and entry.form.data.need in need_values %}{% if value == entry.form.data.need %} selected{% endif %}{% elif value == entry.need %} selected{% endif %}>{{ label }}</option>{% endfor %}</select></label>
          {% if not entry.reason or entry.form_kind == "need" and entry.form.data.reason %}<label>{% translate "Reason for extra attention" %} <input type="text" name="reason" maxlength="500" class="utrecht-textbox utrecht-textbox--html-input" value="{% if entry.form_kind == "need" %}{{ entry.form.data.reason }}{% endif %}"></label>{% endif %}
          <button type="submit" class="utrecht-button">{% translate "Save" %}</button>
        </form>
        <details{% if entry.form_kind == "remove" %} open{% endif %}><summary>{% translate "Take off the list" %}</summary>
          <form method="post" action="{% url 'attention:entry_remove' entry.pk %}">{% csrf_token %}<input type="hidden" name="page" value="{{ page.number }}">
            {% if entry.form_kind == "remove" %}{% for error in entry.form.non_field_errors %}<span class="error">{{ error }}</span>{% endfor %}{% for error in entry.form.reason.errors %}<span class="error">{{ error }}</span>{% endfor %}{% endif %}
            <label>{% translate "Why does the pupil leave the list?" %} <input type="text" name="reason" maxlength="500" class="utrecht-textbox utrecht-textbox--html-input" value="{% if entry.form_kind == "remove" %}{{ entry.form.data.reason }}{% endif %}"></label>
            <button type="submit" class="utrecht-button">{% translate "Take off the list" %}</button>
          </form>
        </details>
      </td>{% else %}<td><a class="utrecht-link" href="?page={{ page.number }}&amp;open={{ entry.pk }}#entry-{{ entry.pk }}" data-testid="open-entry">{% translate "Edit" %}<span class="visually-hidden"> {% blocktranslate with number=case.pk %}Case {{ number }}{% endblocktranslate %}</span></a></td>{% endif %}{% endif %}
    </tr>
  {% endwith %}{% empty %}
    <tr><td colspan="{% if keeps %}7{% else %}6{% endif %}">{% translate "No pupils on the list." %}</td></tr>
  {% endfor %}"""  # noqa: E501

HOSTILE = "<script>alert(\"x\")</script> & 'o' ü"
MOMENT = datetime.datetime(2026, 12, 3, 9, 30, tzinfo=datetime.UTC)


def _entry(pk: int, **values: object) -> AttentionEntry:
    case = Case(
        pk=pk * 10, priority=values.pop("priority", 3), state=values.pop("state", "checked")
    )
    case.contact_person = Professional(first_name=HOSTILE, last_name="Jansen")
    case.shown_children = values.pop("children", [])  # type: ignore[attr-defined]
    case.shown_signals = values.pop("signals", [])  # type: ignore[attr-defined]
    case.more_signals = values.pop("more", 0)  # type: ignore[attr-defined]
    entry = AttentionEntry(pk=pk, source="route", **values)
    entry.case = case
    return entry


def _entries() -> list[AttentionEntry]:
    children = [
        Child(given_name=HOSTILE, family_name="<Vries>", group="5"),
        Child(given_name="Sem", family_name="Jansen", group=""),
    ]
    signal = SignalShown(
        pk=1,
        child=children[1],
        domain="learning",
        domain_label="Leren",
        urgency="high",
        urgency_label="Hoog",
        created_at=MOMENT,
        description=f"regel\n{HOSTILE}",
        author=HOSTILE,
    )
    bad_need = NeedForm({"need": "x"})
    bad_need.is_valid()
    bad_remove = RemoveForm({"reason": ""})
    bad_remove.is_valid()
    typed = RemoveForm({"reason": HOSTILE + "x" * 600})
    typed.is_valid()
    long_reason = NeedForm({"need": "both", "reason": HOSTILE + "x" * 600})
    long_reason.is_valid()
    refused = NeedForm({"need": "care", "reason": HOSTILE})
    refused.is_valid()
    refused.add_error(None, HOSTILE)  # what the service refuses, for the whole form
    gone = RemoveForm({"reason": "Verhuisd"})
    gone.is_valid()
    gone.add_error(None, "Deze casus is gesloten.")
    entries = []
    states = itertools.cycle(["checked", "on_attention_list", "support", "nonsense"])
    for pk, (need, reason, source, priority, fresh) in enumerate(
        itertools.product(
            ["", "care", "both", "weird"],
            ["", HOSTILE],
            ["route", "added"],
            [1, 2],
            ["new", "changed", ""],
        ),
        start=1,
    ):
        entry = _entry(
            pk,
            need=need,
            reason=reason,
            priority=priority,
            state=next(states),
            children=children[: pk % 3],
            signals=[signal] * (pk % 2),
            more=pk % 4,
        )
        entry.source = source
        entry.is_new = fresh == "new"  # type: ignore[attr-defined]
        entry.is_changed = fresh == "changed"  # type: ignore[attr-defined]
        entries.append(entry)
    for entry, (kind, form) in zip(
        entries[::5],
        [
            ("need", bad_need),
            ("remove", bad_remove),
            ("remove", typed),
            ("need", long_reason),
            ("need", refused),
            ("remove", gone),
        ],
        strict=False,
    ):
        entry.form, entry.form_kind = form, kind  # type: ignore[attr-defined]
    return entries


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("keeps", [True, False])
@pytest.mark.parametrize("opened", [0, 3, 6])
def test_the_same_html_as_the_template(language: str, keeps: bool, opened: int):
    """Entry 6 has a form sent back (open anyway), entry 3 none: opening it writes its forms."""
    entries = _entries()
    values = {
        "entries": entries,
        "keeps": keeps,
        "opened": opened,
        "need_form": NeedForm(),
        "need_values": Need.values,
        "page": {"number": 1234},
        "csrf_token": "t0k<en>",
    }
    with translation.override(language):
        before = Template(ROWS).render(Context(values))
        now = Template(
            "{% load attention_rows %}{% attention_rows entries keeps page.number opened %}"
        )
        after = now.render(Context(values))
    assert _normal(after) == _normal(before)
    assert "<script>" not in after and after.count('data-testid="attention-entry"') == 96
    assert ('class="error"' in after) == keeps
    # The forms of the six rows sent back and of the opened one; a link in every other row.
    forms = 6 + (opened == 3)
    assert after.count('name="need"') == (forms if keeps else 0)
    assert after.count('data-testid="open-entry"') == (96 - forms if keeps else 0)


#: The rows of attention/history.html as they were (in its {% for %}, without the empty row).
HISTORY_ROWS = """{% load i18n %}{% for change in changes %}
    <tr data-testid="attention-change"><td>{{ change.at|date:"j b Y H:i" }}</td><td>{{ change.by }}</td>
      <td>{% blocktranslate with number=change.entry.case_id %}Case {{ number }}{% endblocktranslate %}: {% for child in change.entry.case.shown_children %}{{ child.given_name }} {{ child.family_name|slice:":1" }}.{% if not forloop.last %}, {% endif %}{% endfor %}</td>
      <td>{{ change.get_kind_display }}{% if change.detail %}: {{ change.detail }}{% endif %}</td></tr>
  {% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_history_rows_are_the_templates(language: str) -> None:
    children = [
        Child(given_name=HOSTILE, family_name="<Vries>"),
        Child(given_name="Sem", family_name="Jansen"),
    ]
    changes = []
    moments = [MOMENT, MOMENT.replace(hour=23, minute=5), MOMENT.replace(month=6, hour=0)]
    for pk, (kind, detail, moment) in enumerate(
        itertools.product(
            [*AttentionChange.Kind.values, "weird"], ["", HOSTILE, "Gaat goed"], moments
        ),
        start=1,
    ):
        entry = _entry(pk, children=children[: pk % 3])
        change = AttentionChange(pk=pk, kind=kind, detail=detail, at=moment, entry=entry)
        change.by = Professional(first_name=HOSTILE if pk % 2 else "Anna", last_name="de Wit")
        changes.append(change)
    with translation.override(language):
        before = Template(HISTORY_ROWS).render(Context({"changes": changes}))
        now = Template("{% load attention_rows %}{% history_rows changes %}")
        after = now.render(Context({"changes": changes}))
    assert _normal(after) == _normal(before)
    assert "<script>" not in after and after.count('data-testid="attention-change"') == len(changes)
