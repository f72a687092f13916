"""The project's select (options written inline, FORM_RENDERER) gives Django's HTML."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer


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
