"""Forms of the roster pages. They validate and keep what was typed; services decide."""

from __future__ import annotations

from datetime import time
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


class EnrolmentForm(forms.Form):
    """A child or parent to sign up: a name, and a phone number to reach them (optional)."""

    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": _("Fill in the name.")},
    )
    phone = forms.RegexField(
        label=_("Phone"),
        regex=r"^[0-9+() -]{6,30}$",
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "type": "tel", "autocomplete": "off"}),
        error_messages={"invalid": _("Enter a phone number like 06-12345678.")},
    )

    def clean_name(self) -> str:
        name = str(self.cleaned_data.get("name", "")).strip()
        if not name or "\x00" in name:
            raise forms.ValidationError(_("Fill in the name."))
        return name


class BookingForm(forms.Form):
    """A parent's booking: a free time, a name and a phone number, and the privacy statement."""

    start = forms.TypedChoiceField(
        label=_("Time"),
        coerce=lambda value: time.fromisoformat(value),
        widget=forms.Select(attrs=SELECT),
        error_messages={"required": _("Choose a time."), "invalid_choice": _("Choose a time.")},
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "name"}),
        error_messages={"required": _("Fill in your name.")},
    )
    phone = forms.RegexField(
        label=_("Your phone number"),
        regex=r"^[0-9+() -]{6,30}$",
        widget=forms.TextInput(attrs={**TEXT, "type": "tel", "autocomplete": "tel"}),
        error_messages={
            "required": _("Fill in your phone number, so we can call you if the time changes."),
            "invalid": _("Enter a phone number like 06-12345678."),
        },
    )
    privacy = forms.BooleanField(
        label=_("I have read how my name and phone number are used."),
        error_messages={"required": _("Tick that you have read the privacy statement.")},
    )
    #: Left empty by people; filled in by scripts that fill every field.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args: Any, times: list[time], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start"].choices = [(t.isoformat(), t.strftime("%H:%M")) for t in times]  # type: ignore[attr-defined]
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_name(self) -> str:
        name = str(self.cleaned_data.get("name", "")).strip()
        if not name or "\x00" in name:
            raise forms.ValidationError(_("Fill in your name."))
        return name
