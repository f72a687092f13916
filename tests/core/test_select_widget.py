"""The project's select, radio and checkbox lists and inputs (written in Python by
kansrijk.core.widgets, FORM_RENDERER; its templates for options of another template) give
Django's HTML byte for byte."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st


class DisabledOption(forms.Select):
    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        if option["value"] == 2:
            option["attrs"]["disabled"] = True
            option["attrs"]["data-note"] = 'say "no" & <go>'
        return option


class OwnOptionTemplate(forms.Select):
    option_template_name = "django/forms/widgets/select_option.html"
    template_name = "django/forms/widgets/select.html"


CHOICES = [("", "—"), (1, "Kindcentrum De Schakel"), (2, "IKC <De Wereldwijzer> & zo")]
GROUPED = [("Westwijk", [(1, "één"), (2, "twee")]), ("Oost", [(3, "drie")]), (4, "los")]


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.Select(choices=CHOICES), 1),
        (forms.Select(choices=CHOICES, attrs={"class": "utrecht-select", "required": True}), ""),
        (forms.Select(choices=GROUPED), 3),
        (forms.SelectMultiple(choices=GROUPED), [1, 3]),
        (forms.NullBooleanSelect(), None),
        (DisabledOption(choices=CHOICES), 2),
        (OwnOptionTemplate(choices=CHOICES), 2),
        (forms.Select(choices=[]), None),
    ],
)
def test_the_same_html_as_djangos_own_select(widget: forms.Select, value: Any) -> None:
    assert isinstance(get_default_renderer(), forms.renderers.TemplatesSetting)
    ours = widget.render("centre", value, attrs={"id": "id_centre"})
    djangos = widget.render("centre", value, attrs={"id": "id_centre"}, renderer=DjangoTemplates())
    assert ours == djangos
    assert "<option" in ours or not widget.choices


class OddRadio(forms.RadioSelect):
    """An option with a hostile attribute and one rendered by a template of its own."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        if option["value"] == 2:
            option["attrs"]["data-note"] = 'say "no" & <go>'
            option["attrs"]["disabled"] = True
        if option["value"] == 3:
            option["template_name"] = "django/forms/widgets/select_option.html"
        return option


class Unwrapped(forms.RadioSelect):
    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["wrap_label"] = False
        return option


@pytest.mark.parametrize(
    ("widget", "value", "attrs"),
    [
        (forms.RadioSelect(choices=CHOICES), 1, {"id": "id_centre"}),
        (forms.RadioSelect(choices=CHOICES), None, {}),
        (forms.RadioSelect(choices=GROUPED, attrs={"class": "utrecht-radio"}), 3, {"id": "x"}),
        (forms.CheckboxSelectMultiple(choices=GROUPED), [1, 4], {"id": "id_centre"}),
        (forms.CheckboxSelectMultiple(choices=CHOICES, attrs={"required": True}), [], {}),
        (OddRadio(choices=[*GROUPED, (2, "twee"), (3, "drie")]), 2, {"id": "id_centre"}),
        (Unwrapped(choices=CHOICES), 2, {"id": "id_centre"}),
        (forms.TextInput(attrs={"class": "utrecht-textbox", "maxlength": 100}), 'a "b" <c>', {}),
        (forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), "2026-12-02", {"id": "d"}),
        (forms.NumberInput(), 0, {"min": 0, "step": "", "required": True, "disabled": False}),
        (forms.CheckboxInput(), True, {"id": "id_agree"}),
        (forms.HiddenInput(), None, {}),
        (forms.EmailInput(), "", {"autofocus": True}),
    ],
)
def test_the_same_html_as_djangos_own_inputs(widget: forms.Widget, value: Any, attrs: Any) -> None:
    ours = widget.render("centre", value, attrs=attrs)
    djangos = widget.render("centre", value, attrs=attrs, renderer=DjangoTemplates())
    assert ours == djangos
    assert "<input" in ours


texts = st.text(max_size=12)
attr_values = st.one_of(st.booleans(), texts, st.integers(-5, 5), texts.map(mark_safe))
attrs = st.dictionaries(st.sampled_from(["id", "class", "data-x", "title"]), attr_values)
flat = st.lists(st.tuples(st.one_of(texts, st.integers(0, 9)), texts), max_size=4)
grouped = st.lists(st.tuples(texts, flat), max_size=3)


@settings(max_examples=80, deadline=None)
@given(
    kind=st.sampled_from(
        [forms.Select, forms.SelectMultiple, forms.RadioSelect, forms.CheckboxSelectMultiple]
    ),
    choices=st.one_of(flat, grouped),
    value=st.one_of(st.none(), texts, st.lists(texts, max_size=2)),
    widget_attrs=attrs,
    render_attrs=attrs,
)
def test_any_choices_and_attributes_give_djangos_html(
    kind: type[forms.ChoiceWidget],
    choices: list[Any],
    value: Any,
    widget_attrs: dict[str, Any],
    render_attrs: dict[str, Any],
) -> None:
    """The widgets written in Python (kansrijk.core.widgets) against Django's templates, for
    any labels, values and attributes (hostile, safe, true and false ones)."""
    widget = kind(choices=choices, attrs=widget_attrs)
    ours = widget.render("field <x>", value, attrs=render_attrs)
    djangos = widget.render("field <x>", value, attrs=render_attrs, renderer=DjangoTemplates())
    assert ours == djangos


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from([forms.TextInput, forms.NumberInput, forms.HiddenInput, forms.DateInput]),
    value=st.one_of(st.none(), texts, st.integers(), texts.map(mark_safe)),
    render_attrs=attrs,
)
def test_any_input_gives_djangos_html(
    kind: type[forms.Input], value: Any, render_attrs: dict[str, Any]
) -> None:
    widget = kind()
    ours = widget.render("field", value, attrs=render_attrs)
    djangos = widget.render("field", value, attrs=render_attrs, renderer=DjangoTemplates())
    assert ours == djangos
