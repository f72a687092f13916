"""The `url` tag remembered per process gives the text Django's `reverse()` gives, raises
where it raises, and follows a swapped URLconf, script prefix and language."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, include, path, reverse, set_script_prefix
from django.utils.html import conditional_escape
from hypothesis import given, settings
from hypothesis import strategies as st

from kansrijk.core.templatetags.urls import RememberedURLNode, _reverse, reverser


def _view(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never served
    return HttpResponse()


#: A URLconf of this module: the same names under another prefix.
urlpatterns = [
    path(
        "elders/",
        include(([path("cases/<int:case_id>/", _view, name="case_detail")], "cases")),
    ),
    # Its parts in another order than their names sorted.
    path("pairs/<int:zone>/<int:area>/", _view, name="pair"),
]


def _render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


def _oracle(view_name: str, *args: object, **kwargs: object) -> object:
    """Django's own answer: the escaped URL, or the kind of error."""
    try:
        return conditional_escape(reverse(view_name, args=args, kwargs=kwargs))
    except NoReverseMatch as error:
        return type(error)


def _outcome(source: str, **context: object) -> object:
    try:
        return _render(source, **context)
    except NoReverseMatch as error:
        return type(error)


def test_the_projects_templates_use_the_remembered_tag() -> None:
    node = Template("{% url 'cases:my_work' %}").nodelist[0]
    assert isinstance(node, RememberedURLNode)


@settings(max_examples=200, deadline=None)
@given(
    case_id=st.one_of(st.integers(min_value=-5, max_value=10**12), st.text(max_size=12)),
    name=st.text(max_size=12),
)
def test_the_same_text_as_reverse(case_id: object, name: str) -> None:
    """Twice each: the first fills the memory, the second reads it."""
    for _ in range(2):
        assert _outcome("{% url 'cases:case_detail' c %}", c=case_id) == _oracle(
            "cases:case_detail", case_id
        )
        assert _outcome(
            "{% url 'cases:case_transition' case_id=c name=n %}", c=case_id, n=name
        ) == (_oracle("cases:case_transition", case_id=case_id, name=name))
        assert _outcome("{% url 'meetings:feed' t %}", t=name) == _oracle("meetings:feed", name)


def test_as_a_variable_and_an_unknown_name() -> None:
    assert _render("{% url 'cases:case_detail' 7 as link %}[{{ link }}]") == "[/cases/7/]"
    assert _render("{% url 'no:such' 7 as link %}[{{ link }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        _render("{% url 'no:such' 7 %}")


def test_an_object_argument_is_read_anew() -> None:
    """An object's URL part is its text, which may change: never remembered."""

    class Code:
        text = "c001"

        def __str__(self) -> str:
            return self.text

    code = Code()
    assert _render("{% url 'attention:list' c %}", c=code) == "/attention-list/c001/"
    code.text = "c002"
    assert _render("{% url 'attention:list' c %}", c=code) == "/attention-list/c002/"


def test_a_swapped_urlconf_and_script_prefix_are_followed() -> None:
    source = "{% url 'cases:case_detail' 7 %}"
    assert _render(source) == "/cases/7/"
    with override_settings(ROOT_URLCONF=__name__):
        assert _render(source) == "/elders/cases/7/"
    assert _render(source) == "/cases/7/"
    set_script_prefix("/kansrijk/")
    try:
        assert _render(source) == "/kansrijk/cases/7/"
    finally:
        set_script_prefix("/")
    assert _render(source) == "/cases/7/"


@settings(max_examples=100, deadline=None)
@given(case_id=st.integers(min_value=0, max_value=10**12))
def test_a_tables_reverser_gives_what_reverse_gives(case_id: int) -> None:
    """`reverser()`, made once per table, answers every row as `reverse()` would then."""
    url = reverser()
    assert url("cases:case_detail", case_id) == reverse("cases:case_detail", args=[case_id])
    assert url("cases:plan_action_done", case_id) == reverse(
        "cases:plan_action_done", args=[case_id]
    )


def test_a_tables_reverser_keeps_the_urlconf_and_prefix_it_was_made_in() -> None:
    with override_settings(ROOT_URLCONF=__name__):
        elders = reverser()
    set_script_prefix("/kansrijk/")
    try:
        prefixed = reverser()
    finally:
        set_script_prefix("/")
    assert elders("cases:case_detail", 7) == "/elders/cases/7/"
    assert prefixed("cases:case_detail", 7) == "/kansrijk/cases/7/"
    assert reverser()("cases:case_detail", 7) == "/cases/7/"
    with pytest.raises(NoReverseMatch):
        reverser()("no:such", 7)


@settings(max_examples=200, deadline=None)
@given(
    case_id=st.one_of(st.integers(min_value=-3, max_value=10**15), st.booleans()),
    number=st.one_of(st.integers(min_value=-3, max_value=10**15), st.text(max_size=4)),
)
def test_two_whole_numbers_as_arguments_or_by_name_give_what_reverse_gives(
    case_id: object, number: object
) -> None:
    """Where every argument is a whole number the URL is filled into the view's cut URL:
    in the order of the route's parts whatever the order they are named in; anything else
    (a negative number, a bool, text) as Django answers it."""
    for _ in range(2):
        assert _outcome("{% url 'safety:meldcode_step' c n %}", c=case_id, n=number) == (
            _oracle("safety:meldcode_step", case_id, number)
        )
        assert _outcome(
            "{% url 'safety:meldcode_step' number=n case_id=c %}", c=case_id, n=number
        ) == _oracle("safety:meldcode_step", number=number, case_id=case_id)


@settings(max_examples=100, deadline=None)
@given(zone=st.integers(min_value=0, max_value=10**6), area=st.integers(min_value=0, max_value=99))
def test_whole_numbers_by_name_go_where_the_route_has_them(zone: int, area: int) -> None:
    with override_settings(ROOT_URLCONF=__name__):
        for _ in range(2):
            assert _render("{% url 'pair' area=a zone=z %}", a=area, z=zone) == (
                f"/pairs/{zone}/{area}/"
            )
            assert _render("{% url 'pair' z a %}", a=area, z=zone) == f"/pairs/{zone}/{area}/"


def test_a_new_whole_number_is_filled_in_not_reversed_again() -> None:
    """A region's case ids are more than a process keeps per value: once a view's URL is
    cut, a new id costs no `reverse()` and no room in the memory of reversed URLs."""
    url = reverser()
    assert url("cases:case_detail", 1) == "/cases/1/"
    kept = _reverse.cache_info().currsize
    for case_id in range(2, 500):
        assert url("cases:case_detail", case_id) == f"/cases/{case_id}/"
    assert _reverse.cache_info().currsize == kept
