"""Every page's header written in Python (`{% site_header %}`, kansrijk/core/templatetags/
layout.py) gives the HTML the template it replaced gave, byte for byte: for anyone signed in
or not, any name, roles, menu, badge and address, in both languages, every value escaped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

#: The header of templates/base.html as it was (after its `get_current_language`).
TEMPLATE = (
    "{% load i18n %}{% get_current_language as LANGUAGE_CODE %}"
    + """  <header class="site-header">
    <div class="site-header__bar">
      <a class="site-header__brand" href="{% url 'cases:my_work' %}">Kansrijk</a>
      {% if user.is_authenticated %}
      <span class="site-header__user">{{ user.get_full_name|default:user.username }}{% if user_roles %} · {{ user_roles|join:", " }}{% endif %}</span>
      {% endif %}
      <form class="site-header__language" action="{% url 'set_language' %}" method="post">{% csrf_token %}
        <input type="hidden" name="next" value="{{ request.get_full_path }}">
        {% get_available_languages as LANGUAGES %}
        <label for="language-select" class="visually-hidden">{% translate "Language" %}</label>
        <select id="language-select" name="language" class="utrecht-select utrecht-select--html-select">
          {% for code, name in LANGUAGES %}<option value="{{ code }}"{% if code == LANGUAGE_CODE %} selected{% endif %}>{{ name }}</option>{% endfor %}
        </select>
        <button type="submit" class="utrecht-button utrecht-button--subtle">{% translate "Switch" %}</button>
      </form>
      {% if user.is_authenticated %}
      <form action="{% url 'core:logout' %}" method="post">{% csrf_token %}
        <button type="submit" class="utrecht-button utrecht-button--secondary-action">{% translate "Log out" %}</button>
      </form>
      {% endif %}
    </div>
    {% if nav %}
    <nav class="site-nav" aria-label="{% translate 'Main menu' %}">
      <ul>
        {% for item in nav %}<li><a href="{{ item.url }}"{% if item.current %} aria-current="page"{% endif %}>{{ item.label }}{% if item.badge %} <span class="badge badge--p2">{{ item.badge }}<span class="visually-hidden"> {% translate "unread" %}</span></span>{% endif %}</a></li>{% endfor %}
      </ul>
    </nav>
    {% endif %}
  </header>"""  # noqa: E501
)

HOSTILE = st.text(
    alphabet=st.sampled_from([*"aZé <>&\"'`=/ ·,{}%", "\u202e", "\U0001f600"]),
    max_size=12,
)


@dataclass
class _User:
    """The parts of a user the header reads."""

    is_authenticated: bool
    full_name: str
    username: str

    def get_full_name(self) -> str:
        return self.full_name


def _item(label: str, url: str, badge: int, current: bool) -> dict[str, Any]:
    return {"label": label, "url": url, "badge": badge, "current": current}


ITEMS = st.lists(
    st.builds(_item, HOSTILE, HOSTILE, st.sampled_from([0, 1, 7, 1234]), st.booleans()),
    max_size=4,
)


def _both(context: dict[str, Any], language: str) -> tuple[str, str]:
    with translation.override(language):
        before = Template(TEMPLATE).render(Context(context))
        # the two spaces before it as base.html has them
        now = Template("{% load layout %}  {% site_header %}").render(Context(context))
    return before, now


@settings(max_examples=60, deadline=None)
@given(
    signed_in=st.booleans(),
    full_name=HOSTILE,
    username=HOSTILE.filter(bool),
    roles=st.lists(HOSTILE, max_size=3),
    nav=ITEMS,
    path=HOSTILE,
    csrf=st.sampled_from(["", "NOTPROVIDED", "tok3n-&<>"]),
    language=st.sampled_from(["nl", "en"]),
)
def test_the_same_html_as_the_template(
    signed_in: bool,
    full_name: str,
    username: str,
    roles: list[str],
    nav: list[dict[str, Any]],
    path: str,
    csrf: str,
    language: str,
) -> None:
    request = RequestFactory().get("/x/", {"q": path} if path else None)
    context = {
        "user": _User(signed_in, full_name, username),
        "user_roles": roles,
        "nav": nav,
        "request": request,
    }
    if csrf:
        context["csrf_token"] = csrf
    before, now = _both(context, language)
    assert now == before


def test_without_a_request_nor_a_user_it_is_the_same_too() -> None:
    """An error page rendered without the request's context (no user, no menu)."""
    for language in ("nl", "en"):
        before, now = _both({}, language)
        assert now == before
        assert 'value=""' in now and "site-nav" not in now


def test_the_words_are_dutch_in_dutch() -> None:
    nav = [_item("Mijn werk", "/", 3, True)]
    user = _User(True, "Anne de Vries", "anne")
    _, now = _both({"user": user, "user_roles": ["Leerkracht"], "nav": nav}, "nl")
    for word in ("Hoofdmenu", "ongelezen", "Uitloggen", "Taal", "Wissel"):
        assert word in now, word
    assert 'aria-current="page"' in now and "Anne de Vries · Leerkracht" in now
