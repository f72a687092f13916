from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansrijk.homework.models import HomeworkSupport

AREA = {"class": "utrecht-textarea utrecht-textarea--html-textarea", "rows": 3}
INPUT = {"class": "utrecht-textbox utrecht-textbox--html-input"}
DATE = {"class": "utrecht-textbox utrecht-textbox--html-input", "type": "date"}


class StartForm(forms.Form):
    name = forms.CharField(label=_("Pupil's name"), max_length=200, widget=forms.TextInput(INPUT))
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=forms.DateInput(DATE))
    place = forms.ChoiceField(
        label=_("Where"), choices=HomeworkSupport.Place.choices, widget=forms.RadioSelect
    )
    question = forms.CharField(
        label=_("What did the parents ask?"), max_length=2000, widget=forms.Textarea(AREA)
    )
    started_on = forms.DateField(
        label=_("Started on"), initial=timezone.localdate, widget=forms.DateInput(DATE)
    )


class EndForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"), choices=HomeworkSupport.Result.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("How it went"), max_length=2000, required=False, widget=forms.Textarea(AREA)
    )
    ended_on = forms.DateField(
        label=_("Ended on"), initial=timezone.localdate, widget=forms.DateInput(DATE)
    )
