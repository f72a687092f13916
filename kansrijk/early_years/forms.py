"""The forms of the warm handover; bad input keeps what was typed (house rule 9)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kansrijk.cases.forms import PupilPicker
from kansrijk.cases.models import Child
from kansrijk.consent.models import Consent
from kansrijk.core.models import Location, Professional
from kansrijk.early_years.models import Handover

AREA = {"rows": 3, "class": "utrecht-textarea"}
SELECT = {"class": "utrecht-select"}


class HandoverForm(PupilPicker, forms.Form):
    child = forms.ModelChoiceField(
        label=_("Child"),
        queryset=Child.objects.none(),
        widget=forms.Select(attrs=SELECT),
        error_messages={
            "required": _("Choose the child."),
            "invalid_choice": _("Choose the child."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Kind of handover"),
        choices=Handover.Kind.choices,
        widget=forms.RadioSelect,
        initial=Handover.Kind.CHILDCARE_TO_SCHOOL,
    )
    to_location = forms.ModelChoiceField(
        label=_("Receiving school"),
        queryset=Location.objects.none(),
        widget=forms.Select(attrs=SELECT),
        error_messages={"required": _("Choose the receiving school.")},
    )
    goes_well = forms.CharField(
        label=_("What goes well"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs=AREA),
    )
    attention_points = forms.CharField(
        label=_("What needs attention"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs=AREA),
    )
    what_works = forms.CharField(
        label=_("What works for this child"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs=AREA),
    )
    vve_programme = forms.CharField(
        label=_("VVE programme followed"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox"}),
    )
    parents_view = forms.CharField(
        label=_("The parents' view"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs=AREA),
    )

    def __init__(
        self,
        *args: Any,
        children: Callable[[], QuerySet[Child]],
        schools: QuerySet[Location],
        term: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.pick_pupils(children, term=term)
        self.fields["to_location"].queryset = schools  # type: ignore[attr-defined]


class ConsentForm(forms.Form):
    given = forms.TypedChoiceField(
        label=_("The parents' answer"),
        choices=[("1", _("Consent given")), ("0", _("Consent refused"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the parents' answer.")},
    )
    method = forms.ChoiceField(
        label=_("How"),
        choices=Consent.Method.choices,
        initial=Consent.Method.VERBAL,
        widget=forms.Select(attrs=SELECT),
    )


class MeetingForm(forms.Form):
    at = forms.DateTimeField(
        label=_("Date and time of the warm conversation"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "utrecht-textbox"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": _("Choose when the conversation takes place.")},
    )
    receiving_teacher = forms.ModelChoiceField(
        label=_("Receiving teacher"),
        queryset=Professional.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args: Any, teachers: QuerySet[Professional], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receiving_teacher"].queryset = teachers  # type: ignore[attr-defined]


class ResultForm(forms.Form):
    result = forms.CharField(
        label=_("Result of the conversation"),
        max_length=4000,
        widget=forms.Textarea(attrs=AREA),
        error_messages={"required": _("Write down the result of the conversation.")},
    )


class FollowUpForm(forms.Form):
    text = forms.CharField(
        label=_("How is the child doing after six weeks?"),
        max_length=4000,
        widget=forms.Textarea(attrs=AREA),
        error_messages={"required": _("Write a short follow-up for the mentor.")},
    )
