"""An agenda item written in Python (`{% agenda_item %}`) gives the HTML the template it
replaced gave, for every state of an item and of its meeting, for the chair and for the
others at the table, with hostile text, in both languages."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import replace

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from kansrijk.cases.models import Case, Step
from kansrijk.cases.selectors import SignalShown
from kansrijk.meetings import selectors
from kansrijk.meetings.models import MeetingAction
from kansrijk.meetings.selectors import AgendaPage, ConsentCheck, ItemView
from tests.cases.route import open_case
from tests.cases.test_case_table import _normal
from tests.cases.test_signal_list import SIGNALS_TEMPLATE
from tests.meetings.conftest import a_child

pytestmark = pytest.mark.django_db

#: The item of meetings/meeting.html as it was, up to where its decision form goes.
TEMPLATE = """{% load i18n %}{% for v in items %}
    <li id="item-{{ v.item.pk }}" class="agenda-item{% if v.running %} agenda-item--running{% elif v.item.decided_at %} agenda-item--decided{% endif %}{% if v.compact %} agenda-item--compact{% endif %}" data-testid="agenda-item" data-item="{{ v.item.pk }}">
      <h3>{{ forloop.counter|add:page.start }}. <span data-testid="item-label">{{ v.label }}</span>
        {% if v.item.case.priority == 1 %}<span class="badge badge--p1">P1</span>{% elif v.item.case.priority == 2 %}<span class="badge badge--p2">P2</span>{% endif %}</h3>
      <p class="planned" data-testid="planned">{% blocktranslate with at=v.planned_at|time:"H:i" minutes=v.item.allotted_minutes %}Planned at {{ at }}, {{ minutes }} min{% endblocktranslate %}{% if v.item.decided_at %} · {% translate "decided" %}{% endif %}</p>
      {% if v.compact %}
        {% if is_chair %}<form method="post" action="{% url 'meetings:item_start' v.item.pk %}" class="inline">{% csrf_token %}
          <button type="submit" class="utrecht-button utrecht-button--secondary-action">{% translate "Start this item" %}</button></form>{% endif %}
      {% else %}
      {% if v.reasons %}<ul class="reasons" aria-label="{% translate 'Why it is on the agenda' %}">{% for reason in v.reasons %}<li class="badge" data-testid="reason">{{ reason }}</li>{% endfor %}</ul>{% endif %}
      {% if v.signals %}{% include signals_template with signals=v.signals more=v.more_signals %}{% endif %}
      {% if v.item.case_id %}
        {% if v.identified %}<p data-testid="consent" data-consent="ok">{% translate "The consent covers everyone at the table." %}</p>
        {% else %}<p class="consent--missing" data-testid="consent" data-consent="missing">{% translate "No consent for everyone at the table: discussed without identifying data." %}</p>{% endif %}
        {% if is_chair and v.consent.notes %}<ul class="help" data-testid="consent-notes">{% for note in v.consent.notes %}<li>{{ note }}</li>{% endfor %}</ul>{% endif %}
        {% if is_chair and v.identified %}<p><a href="{% url 'cases:case_detail' v.item.case_id %}">{% blocktranslate with number=v.item.case_id %}Open case {{ number }}{% endblocktranslate %}</a></p>{% endif %}
      {% endif %}
      <p>{% translate "Time" %}: {% if v.running %}<span data-clock-seconds="{{ v.seconds }}">{{ v.minutes }}</span>{% else %}{{ v.minutes }}{% endif %} {% translate "min" %}{% if v.running %} — <strong>{% translate "now being discussed" %}</strong>{% endif %}</p>

      {% if v.item.decided_at %}
        <p data-testid="decision"><strong>{% translate "Decision" %}:</strong> {{ v.item.decision }}</p>
        {% if v.step_label %}<p data-testid="step"><strong>{% translate "Step" %}:</strong> {{ v.step_label }} → {{ v.item.step.get_to_state_display }}</p>{% endif %}
      {% endif %}
      {% if v.actions %}
        <ul data-testid="actions">{% for a in v.actions %}<li>{{ a.description }} — {{ a.owner }}, {{ a.due_date|date:"j b Y" }}{% if a.done %} ({% translate "done" %}){% endif %}</li>{% endfor %}</ul>
      {% endif %}

      {% if is_chair and meeting.state != "finished" %}
      <div class="actions">
        {% if meeting.state == "running" and not v.running %}
        <form method="post" action="{% url 'meetings:item_start' v.item.pk %}" class="inline">{% csrf_token %}
          <button type="submit" class="utrecht-button utrecht-button--secondary-action">{% translate "Start this item" %}</button></form>
        {% endif %}
        {% if not v.item.started_at and not v.item.decided_at %}
        <form method="post" action="{% url 'meetings:item_place' v.item.pk %}" class="inline">{% csrf_token %}
          <button type="submit" name="place" value="aside" class="utrecht-button utrecht-button--subtle" data-testid="put-aside">{% translate "Put aside" %}</button></form>
        {% endif %}
        {% if not v.form and not v.left_out %}<a class="utrecht-link" href="?{% if page.number > 1 %}page={{ page.number }}&amp;{% endif %}open={{ v.item.pk }}#item-{{ v.item.pk }}" data-testid="open-decision">{% translate "Record a decision" %}</a>{% endif %}
        <form method="post" action="{% url 'meetings:item_move' v.item.pk %}" class="inline">{% csrf_token %}
          <button type="submit" name="direction" value="up" class="utrecht-button utrecht-button--subtle"{% if forloop.first and not page.has_previous %} disabled{% endif %}>{% translate "Move up" %}<span class="visually-hidden"> {{ forloop.counter|add:page.start }}</span></button>
          <button type="submit" name="direction" value="down" class="utrecht-button utrecht-button--subtle"{% if forloop.last and not page.has_next %} disabled{% endif %}>{% translate "Move down" %}<span class="visually-hidden"> {{ forloop.counter|add:page.start }}</span></button>
        </form>
      </div>
      {% endif %}
      {% endif %}
    </li>
{% endfor %}"""  # noqa: E501

HOSTILE = '<script>alert("x")</script> & \'t Hart'


def _both(views: list[ItemView], **context: object) -> tuple[str, str]:
    values = {
        "items": views,
        "csrf_token": "t0k<en>",
        "signals_template": Template(SIGNALS_TEMPLATE),
        **context,
    }
    before = Template(TEMPLATE).render(Context(values))
    now = Template("{% load agenda %}{% for v in items %}{% agenda_item v %}</li>{% endfor %}")
    return _normal(before), _normal(now.render(Context(values)))


def _views(world, care_meeting) -> tuple[object, list[ItemView]]:  # type: ignore[no-untyped-def]
    """Items in every state an item has on the screen."""
    cases = [open_case(world, a_child(world, given_name=HOSTILE)) for _ in range(3)]
    Case.objects.filter(pk=cases[0].pk).update(priority=Case.Priority.SAFETY)
    Case.objects.filter(pk=cases[1].pk).update(priority=Case.Priority.HIGH)
    meeting = care_meeting()
    views = selectors.agenda_view(meeting, world.coordinator, with_transitions=True)
    assert len(views) == 3
    now = timezone.now()
    step = Step.objects.filter(case=cases[0]).first()
    signal = SignalShown(
        pk=1,
        child=cases[0].family.children.first(),
        domain="learning",
        domain_label="Leren <b>",
        urgency="high",
        urgency_label="Hoog",
        created_at=now - datetime.timedelta(days=3),
        description="Eerste regel\n<i>tweede</i> & derde",
        author=HOSTILE,
    )
    anonymous = replace(signal, child=None, description=None, author=None, urgency="normal")
    action = MeetingAction(
        description=HOSTILE, owner=world.teacher, due_date=now.date(), done=False
    )
    done = MeetingAction(description="Bellen", owner=world.coach, due_date=now.date(), done=True)
    plain, first, second = views
    variants = [
        plain,
        replace(first, signals=[signal, anonymous], more_signals=1, actions=[action, done]),
        replace(
            second,
            signals=[anonymous],
            more_signals=4,
            identified=False,
            consent=ConsentCheck(False, [HOSTILE, "Geen toestemming"]),
        ),
        replace(plain, compact=True),
        replace(plain, left_out=True, reasons=[HOSTILE]),
        replace(first, consent=ConsentCheck(True, ["GGD: wettelijke grondslag"])),
    ]
    running = replace(first)
    running.item = selectors.AgendaItem.objects.get(pk=first.item.pk)
    running.item.running_since = now - datetime.timedelta(minutes=4)
    running.item.started_at = running.item.running_since
    running.seconds = 250
    decided = replace(second)
    decided.item = selectors.AgendaItem.objects.get(pk=second.item.pk)
    decided.item.decided_at = now
    decided.item.decision = HOSTILE
    decided.item.step = step
    decided.step_label = "Signaal <kort>"
    topic = replace(plain, label=HOSTILE)
    topic.item = selectors.AgendaItem.objects.get(pk=plain.item.pk)
    topic.item.case = None
    topic.item.case_id = None
    with_form = replace(plain)
    with_form.form = object()  # type: ignore[attr-defined]
    variants += [running, decided, topic, with_form]
    for view in variants:
        view.planned_at = meeting.starts_at + datetime.timedelta(minutes=25)
    return meeting, variants


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_same_html_as_the_template_in_every_state(world, care_meeting, language) -> None:  # type: ignore[no-untyped-def]
    meeting, views = _views(world, care_meeting)
    pages = [AgendaPage(1, 1, [], 10), AgendaPage(2, 3, [], 60), AgendaPage(3, 3, [], 60)]
    compared = 0
    with translation.override(language):
        for state, is_chair, page in itertools.product(
            ["planned", "running", "finished"], [True, False], pages
        ):
            meeting.state = state
            before, now = _both(views, meeting=meeting, is_chair=is_chair, page=page)
            assert before == now, (state, is_chair, page)
            compared += 1
    assert compared == 18
    assert "<script>" not in now and "&lt;script&gt;" in now


def test_the_chairs_buttons_and_what_the_others_see(world, care_meeting) -> None:  # type: ignore[no-untyped-def]
    meeting, views = _views(world, care_meeting)
    meeting.state = "running"
    page = AgendaPage(2, 3, [], 60)
    with translation.override("nl"):
        _, chair = _both(views, meeting=meeting, is_chair=True, page=page)
        _, other = _both(views, meeting=meeting, is_chair=False, page=page)
    assert 'name="csrfmiddlewaretoken" value="t0k&lt;en&gt;"' in chair
    assert chair.count('data-testid="put-aside"') > 0 and "put-aside" not in other
    assert "Besluit vastleggen" in chair and "Besluit vastleggen" not in other
    assert "<h3>26.<span" in chair  # the first item of the second page
    assert "En 4 eerdere signalen, op de casuspagina." in chair
    assert "Eerste regel<br>&lt;i&gt;tweede&lt;/i&gt; &amp; derde" in chair


#: An item of the list to pull in, as meetings/meeting.html wrote it.
REST_TEMPLATE = """{% load i18n %}{% for v in rest %}
      <li id="item-{{ v.item.pk }}" data-testid="rest-item" data-item="{{ v.item.pk }}">
        <span data-testid="item-label">{{ v.label }}</span>
        {% for reason in v.reasons %}<span class="badge">{{ reason }}</span>{% endfor %}
        {% if is_chair and meeting.state != "finished" %}
        <form method="post" action="{% url 'meetings:item_place' v.item.pk %}" class="inline">{% csrf_token %}
          <button type="submit" name="place" value="table" class="utrecht-button utrecht-button--subtle" data-testid="pull-in">{% translate "Pull onto the table" %}<span class="visually-hidden"> {{ v.label }}</span></button></form>
        {% endif %}
      </li>
    {% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["nl", "en"])
def test_an_item_to_pull_in_is_the_html_of_the_template(world, care_meeting, language) -> None:  # type: ignore[no-untyped-def]
    meeting, views = _views(world, care_meeting)
    rest = [replace(v, reasons=[HOSTILE, "Nieuw signaal"]) for v in views[:3]]
    rest += [replace(views[0], label=HOSTILE, reasons=[])]
    with translation.override(language):
        for state, is_chair in itertools.product(["planned", "running", "finished"], [True, False]):
            meeting.state = state
            values = {
                "rest": rest,
                "csrf_token": "t0k<en>",
                "meeting": meeting,
                "is_chair": is_chair,
            }
            before = Template(REST_TEMPLATE).render(Context(values))
            now = Template("{% load agenda %}{% for v in rest %}{% rest_item v %}{% endfor %}")
            after = now.render(Context(values))
            assert _normal(after) == _normal(before), (state, is_chair)
            assert ('data-testid="pull-in"' in after) == (is_chair and state != "finished")
    assert "<script>" not in after and "&lt;script&gt;" in after
