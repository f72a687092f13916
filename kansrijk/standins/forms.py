from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

SELECT = {"class": "utrecht-select utrecht-select--html-select"}


class StandInForm(forms.Form):
    stand_in = forms.ModelChoiceField(  # type: ignore[var-annotated]
        label=_("Stand-in"),
        queryset=None,
        required=False,
        empty_label=_("From the roster"),
        widget=forms.Select(attrs=SELECT),
        error_messages={"invalid_choice": _("Choose a colleague from the list.")},
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stand_in"].queryset = candidates  # type: ignore[attr-defined]
