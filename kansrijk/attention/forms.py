"""Forms of the attention list and the agreements about school; services check again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kansrijk.attention.models import Need
from kansrijk.cases.models import Case

TEXT = {"class": "utrecht-textbox utrecht-textbox--html-input"}
AREA = {"class": "utrecht-textarea utrecht-textarea--html-textarea", "rows": 3}


class CaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        names = ", ".join(
            f"{c.given_name} {c.family_name[:1]}." for c in getattr(obj, "shown_children", [])
        )
        return _("Case %(number)s") % {"number": obj.pk} + (f": {names}" if names else "")


class EntryAddForm(forms.Form):
    case = CaseChoiceField(
        label=_("Pupil"),
        queryset=Case.objects.none(),
        error_messages={
            "required": _("Choose a pupil from the list."),
            "invalid_choice": _("Choose a pupil from the list."),
        },
    )
    reason = forms.CharField(
        label=_("Reason for extra attention"),
        max_length=500,
        widget=forms.Textarea(attrs=AREA),
        error_messages={"required": _("Give the reason for extra attention.")},
    )
    need = forms.ChoiceField(
        label=_("What does the pupil need?"),
        choices=Need.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what the pupil needs: care, education or both.")},
    )

    def __init__(self, *args: Any, cases: list[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: CaseChoiceField = self.fields["case"]  # type: ignore[assignment]
        field.queryset = Case.objects.filter(pk__in=[c.pk for c in cases])
        field.choices = [("", "—"), *((c.pk, field.label_from_instance(c)) for c in cases)]


class NeedForm(forms.Form):
    need = forms.ChoiceField(
        label=_("What does the pupil need?"),
        choices=Need.choices,
        error_messages={"required": _("Choose what the pupil needs: care, education or both.")},
    )
    reason = forms.CharField(label=_("Reason for extra attention"), max_length=500, required=False)


class RemoveForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does the pupil leave the list?"),
        max_length=500,
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": _("Say why the pupil leaves the list.")},
    )


class AgreementForm(forms.Form):
    hours_per_week = forms.IntegerField(
        label=_("Hours at school per week"),
        min_value=1,
        max_value=40,
        widget=forms.NumberInput(attrs=TEXT),
        error_messages={
            "required": _("Give between 1 and 40 hours a week."),
            "invalid": _("Give between 1 and 40 hours a week."),
            "min_value": _("Give between 1 and 40 hours a week."),
            "max_value": _("Give between 1 and 40 hours a week."),
        },
    )
    guided_by = forms.CharField(
        label=_("Who guides the child at school"),
        max_length=200,
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": _("Say who guides the child at school.")},
    )
    parents_present = forms.BooleanField(label=_("Parents present"), required=False)
    review_on = forms.DateField(
        label=_("Review date"),
        widget=forms.DateInput(attrs={**TEXT, "type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Give a review date."),
            "invalid": _("Enter a date like 2026-12-01."),
        },
    )


class AgreementEndForm(forms.Form):
    result = forms.CharField(
        label=_("Result"),
        max_length=500,
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": _("Write down the result.")},
    )
