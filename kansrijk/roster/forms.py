"""Forms of the roster pages. They validate and keep what was typed; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansrijk.cases.forms import SELECT, TEXT
from kansrijk.core.models import Professional
from kansrijk.roster.models import Absence, Part

DATE = {**TEXT, "type": "date"}


class AbsenceForm(forms.Form):
    """Absence for a day or a period; the coordinator may report it for someone else."""

    professional = forms.ModelChoiceField(
        label=_("Who"),
        queryset=Professional.objects.none(),
        widget=forms.Select(attrs=SELECT),
        error_messages={"required": _("Choose who is absent.")},
    )
    kind = forms.ChoiceField(
        label=_("Why"),
        choices=[c for c in Absence.Kind.choices if c[0] != Absence.Kind.SWAP],
        initial=Absence.Kind.SICK,
        widget=forms.Select(attrs=SELECT),
    )
    start = forms.DateField(
        label=_("From"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        error_messages={
            "required": _("Fill in the first day."),
            "invalid": _("Enter a date like 2026-12-01."),
        },
    )
    start_part = forms.ChoiceField(
        label=_("From half-day"),
        choices=Part.choices,
        initial=Part.MORNING,
        widget=forms.Select(attrs=SELECT),
    )
    end = forms.DateField(
        label=_("Until"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        error_messages={
            "required": _("Fill in the last day."),
            "invalid": _("Enter a date like 2026-12-01."),
        },
    )
    end_part = forms.ChoiceField(
        label=_("Until half-day"),
        choices=Part.choices,
        initial=Part.AFTERNOON,
        widget=forms.Select(attrs=SELECT),
    )
    reason = forms.CharField(
        label=_("Note (optional, no medical details)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )

    def __init__(self, *args: Any, people: QuerySet[Professional], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["professional"]
        field.queryset = people  # type: ignore[attr-defined]
        if people.count() == 1:
            field.initial = people.first()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The last day comes before the first day."))
        reason = data.get("reason") or ""
        if "\x00" in reason:
            self.add_error("reason", _("The text contains a character that is not allowed."))
        return data
