"""The case table written in Python (`{% case_table %}`) gives the HTML the template it
replaced gave, with every value escaped, in both languages."""

from __future__ import annotations

import datetime
import re

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from kansrijk.cases import selectors
from kansrijk.cases.models import Case, PlanAction, PlanVersion
from kansrijk.cases.workflow import CaseState
from tests.cases.route import open_case
from tests.conftest import World
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

#: cases/_case_table.html as it was (without its column for signals, which no page showed).
TEMPLATE = """{% load i18n %}
<table class="utrecht-table">
  <caption class="visually-hidden">{{ caption }}</caption>
  <thead><tr>
    <th scope="col">{% translate "Case" %}</th>
    <th scope="col">{% translate "Children" %}</th>
    <th scope="col">{% translate "Centre" %}</th>
    <th scope="col">{% translate "State" %}</th>
    <th scope="col">{% translate "Contact person" %}</th>
    <th scope="col">{% translate "Last step" %}</th>
  </tr></thead>
  <tbody>
  {% for case in cases %}
    <tr>
      <td><a href="{% url 'cases:case_detail' case.pk %}">{% blocktranslate with number=case.pk %}Case {{ number }}{% endblocktranslate %}</a>
        {% if case.priority == 1 %}<span class="badge badge--p1">P1</span>{% elif case.priority == 2 %}<span class="badge badge--p2">P2</span>{% endif %}</td>
      <td>{% for child in case.shown_children %}{{ child.given_name }} {{ child.family_name|slice:":1" }}.{% if child.group %} ({% translate "gr." %} {{ child.group }}){% endif %}{% if not forloop.last %}, {% endif %}{% endfor %}</td>
      <td>{{ case.location.name }}</td>
      <td>{{ case.get_state_display }}</td>
      <td>{{ case.contact_person }}</td>
      <td>{{ case.last_step_at|date:"j b Y" }}{% if case.is_open and case.last_step_at < stalled_before %} <span class="badge badge--stalled">{% translate "stalled" %}</span>{% endif %}</td>
    </tr>
  {% empty %}
    <tr><td colspan="6">{% translate "No cases." %}</td></tr>
  {% endfor %}
  </tbody>
</table>"""  # noqa: E501


def _normal(html: str) -> str:
    """Whitespace between tags and runs of it do not show in a browser."""
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html))).strip()


def _both(cases: list[Case], caption: str) -> tuple[str, str]:
    context = {"cases": cases, "caption": caption, "stalled_before": selectors.stalled_before()}
    before = Template(TEMPLATE).render(Context(context))
    now = Template("{% load case_tables %}{% case_table cases caption %}").render(Context(context))
    return _normal(before), _normal(now)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_same_html_as_the_template_with_hostile_names(world: World, language: str) -> None:
    names = [
        ("<script>alert(1)</script>", "&amp;Vries", "5 <b>"),
        ('Jo "Jo"', "'t Hart", ""),
        ("Ünal", "Öztürk", "8"),
    ]
    cases = []
    for given, family, group in names:
        child = ChildFactory(location=world.school, given_name=given, family_name=family)
        child.group = group
        child.save()
        cases.append(open_case(world, child))
    old = timezone.now() - datetime.timedelta(days=90)
    Case.objects.filter(pk=cases[0].pk).update(priority=Case.Priority.SAFETY, last_step_at=old)
    Case.objects.filter(pk=cases[1].pk).update(priority=Case.Priority.HIGH)
    Case.objects.filter(pk=cases[2].pk).update(state=CaseState.CLOSED, last_step_at=old)
    listed = list(selectors.cases_visible_to(world.coach).order_by("pk"))
    selectors.children_shown(world.coach, listed)
    with translation.override(language):
        before, now = _both(listed, 'Pupils <"all">')
    assert before == now
    assert "<script>" not in now and "&lt;script&gt;" in now and "badge--stalled" in now


def test_an_empty_table_says_so(world: World) -> None:
    with translation.override("nl"):
        before, now = _both([], "Geen")
    assert before == now and "Geen casussen." in now


#: The signals table of cases/my_work.html as it was.
SIGNAL_TEMPLATE = """{% load i18n %}
  <table class="utrecht-table">
    <thead><tr><th scope="col">{% translate "Date" %}</th><th scope="col">{% translate "Pupil" %}</th><th scope="col">{% translate "About" %}</th><th scope="col">{% translate "State now" %}</th><th scope="col">{% translate "Contact person" %}</th></tr></thead>
    <tbody>{% for signal in signals %}
      <tr><td>{{ signal.created_at|date:"j b Y" }}</td>
        <td>{% if signal.may_open %}<a href="{% url 'cases:case_detail' signal.case_id %}">{{ signal.child.given_name }} {{ signal.child.family_name }}</a>{% else %}{{ signal.child.given_name }} {{ signal.child.family_name }}{% endif %}</td>
        <td>{{ signal.get_domain_display }}</td>
        <td>{{ signal.case.get_state_display }}{% if signal.case.outcome %}: {{ signal.case.get_outcome_display }}{% endif %}</td>
        <td>{{ signal.case.contact_person }}</td></tr>
    {% endfor %}</tbody>
  </table>"""  # noqa: E501


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_signals_table_gives_the_templates_html_with_hostile_names(
    world: World, language: str
) -> None:
    """A teacher's own signals: one on a case they may open (a link), one closed with an
    outcome, names that try to break out of the HTML."""
    names = [("<script>alert(1)</script>", "&amp;Vries"), ('Jo "Jo"', "'t <b>Hart</b>")]
    cases = []
    for given, family in names:
        child = ChildFactory(location=world.school, given_name=given, family_name=family)
        cases.append(open_case(world, child))
    outcome = Case._meta.get_field("outcome").choices[0][0]
    Case.objects.filter(pk=cases[1].pk).update(state=CaseState.CLOSED, outcome=outcome)
    signals = list(selectors.signals_by(world.teacher, 50))
    signals[0].may_open = not signals[0].may_open  # one of each, whatever the matrix says
    assert {s.may_open for s in signals} == {True, False}
    with translation.override(language):
        context = Context({"signals": signals})
        before = _normal(Template(SIGNAL_TEMPLATE).render(context))
        now = _normal(Template("{% load case_tables %}{% signal_table signals %}").render(context))
    assert before == now
    assert "<script>" not in now and "&lt;script&gt;" in now and "<b>" not in now
    assert "/cases/" in now and ": " in now


#: my_work.html's table of open plan actions as it was before `{% action_table %}`.
ACTIONS_TEMPLATE = """{% load i18n %}
  <table class="utrecht-table">
    <thead><tr><th scope="col">{% translate "Action" %}</th><th scope="col">{% translate "Case" %}</th><th scope="col">{% translate "Due date" %}</th><th scope="col"><span class="visually-hidden">{% translate "Done" %}</span></th></tr></thead>
    <tbody>{% for action in actions %}
      <tr><td>{{ action.description }}</td>
        <td><a href="{% url 'cases:case_detail' action.plan.case_id %}">{% blocktranslate with number=action.plan.case_id %}Case {{ number }}{% endblocktranslate %}</a></td>
        <td>{{ action.due_date|date:"j b Y"|default:"—" }}{% if action.due_date and action.due_date < today %} <span class="badge badge--p2">{% translate "overdue" %}</span>{% endif %}</td>
        <td><form method="post" action="{% url 'cases:plan_action_done' action.pk %}">{% csrf_token %}<input type="hidden" name="done" value="1"><button class="utrecht-button utrecht-button--secondary-action" type="submit">{% translate "Mark done" %}</button></form></td></tr>
    {% endfor %}</tbody>
  </table>"""  # noqa: E501


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_action_table_is_the_html_of_the_template(language: str) -> None:
    today = timezone.localdate()
    actions = [
        PlanAction(
            pk=pk,
            description=description,
            due_date=due,
            plan=PlanVersion(case_id=case_id, number=1),
        )
        for pk, description, due, case_id in [
            (
                1,
                "<script>alert(1)</script> & 'bel' \"moeder\"",
                today - datetime.timedelta(days=1),
                7,
            ),
            (22, "Wekelijks gesprek", today, 7),
            (333, "Zonder datum", None, 12),
            (4, "Later", today + datetime.timedelta(days=40), 9),
        ]
    ]
    context = {"actions": actions, "today": today, "csrf_token": "t0k3n<&>"}
    with translation.override(language):
        before = Template(ACTIONS_TEMPLATE).render(Context(context))
        now = Template("{% load case_tables %}{% action_table actions %}").render(Context(context))
    assert _normal(now) == _normal(before)
    assert "&lt;script&gt;" in now and "—" in now and now.count("badge--p2") == 1
    empty = Context({"actions": [], "today": today, "csrf_token": "x"})
    assert _normal(Template(ACTIONS_TEMPLATE).render(empty)) == _normal(
        Template("{% load case_tables %}{% action_table actions %}").render(empty)
    )
