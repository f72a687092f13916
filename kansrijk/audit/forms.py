"""The privacy officer's search form: who opened this child's or family's file, when, why."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

TEXT = {"class": "utrecht-textbox utrecht-textbox--html-input"}


class AccessSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Child or family"),
        max_length=200,
        required=False,
        help_text=_("A BSN (9 digits), a child's name or a family name."),
        widget=forms.TextInput(attrs=TEXT | {"type": "search"}),
    )
    case = forms.IntegerField(
        label=_("Case number"),
        min_value=1,
        required=False,
        widget=forms.NumberInput(attrs=TEXT),
        error_messages={"invalid": _("Enter a case number.")},
    )
    user = forms.CharField(
        label=_("User name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )
    since = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs=TEXT | {"type": "date"}),
        error_messages={"invalid": _("Enter a date.")},
    )
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs=TEXT | {"type": "date"}),
        error_messages={"invalid": _("Enter a date.")},
    )
    family = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    child = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean_q(self) -> str:
        value: str = self.cleaned_data["q"]
        if "\x00" in value:
            raise forms.ValidationError(_("The text contains a character that is not allowed."))
        return " ".join(value.split())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end of the period lies before its start."))
        return data
