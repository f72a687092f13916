"""Forms of the integrated arrangement; bad input keeps what was typed (house rule 9). They
only validate: `special_education.services` writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kansrijk.cases.models import Child, Guardian
from kansrijk.consent.models import Consent
from kansrijk.core.models import Location, Organisation, Professional
from kansrijk.special_education.models import Arrangement

AREA = {"rows": 3, "class": "utrecht-textarea"}
SELECT = {"class": "utrecht-select"}
TEXT = {"class": "utrecht-textbox"}
DATE = {"type": "date", "class": "utrecht-textbox"}


def _date(label: Any, *, required: bool = False, message: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
        error_messages={
            "invalid": _("Give a date as dd-mm-jjjj."),
            "required": message or _("Give a date as dd-mm-jjjj."),
        },
    )


class ArrangementForm(forms.Form):
    """The education part, the youth-care part and the package; all optional while a draft
    (starting it checks that everything is there)."""

    opp_goals = forms.CharField(
        label=_("Goals of the development perspective (OPP)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs=AREA),
        help_text=_("In short: what the pupil works towards this year."),
    )
    opp_support = forms.CharField(
        label=_("Education support"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs=AREA),
    )
    provider = forms.ModelChoiceField(
        label=_("Youth-care provider"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
        error_messages={
            "invalid_choice": _("Choose a youth-care provider that works at this school.")
        },
    )
    care_kind = forms.CharField(
        label=_("Kind of youth care"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=TEXT),
    )
    hours_per_week = forms.DecimalField(
        label=_("Hours of youth care per week"),
        required=False,
        max_digits=4,
        decimal_places=1,
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "decimal"}),
        error_messages={"invalid": _("Give the hours per week as a number from 0.5 to 40.")},
        localize=True,
    )
    decision_number = forms.CharField(
        label=_("Number of the municipality's decision"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs=TEXT),
    )
    decision_start = _date(_("Decision valid from"))
    decision_end = _date(_("Decision valid until"))
    coordinator = forms.ModelChoiceField(
        label=_("Coordinator for the family"),
        queryset=Professional.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
        help_text=_("One person the family turns to, from the school or the youth-care provider."),
        error_messages={
            "invalid_choice": _("Choose a coordinator from the school or the youth-care provider.")
        },
    )
    evaluation_date = _date(_("Shared evaluation date"))
    ends_on = _date(_("Arrangement runs until"))
    replaced_indications = forms.IntegerField(
        label=_("Separate indications replaced by this package"),
        required=False,
        min_value=0,
        max_value=20,
        widget=forms.NumberInput(attrs=TEXT),
        error_messages={
            "invalid": _("Give a number from 0 to 20."),
            "min_value": _("Give a number from 0 to 20."),
            "max_value": _("Give a number from 0 to 20."),
        },
    )

    def __init__(
        self,
        *args: Any,
        providers: QuerySet[Organisation],
        coordinators: QuerySet[Professional],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]
        self.fields["coordinator"].queryset = coordinators  # type: ignore[attr-defined]

    def clean_replaced_indications(self) -> int:
        return self.cleaned_data.get("replaced_indications") or 0

    def clean_hours_per_week(self) -> Any:
        hours = self.cleaned_data.get("hours_per_week")
        if hours is not None and not 0 < hours <= 40:
            raise forms.ValidationError(_("Give the hours per week as a number from 0.5 to 40."))
        return hours


class NewArrangementForm(ArrangementForm):
    child = forms.ModelChoiceField(
        label=_("Pupil"),
        queryset=Child.objects.none(),
        widget=forms.Select(attrs=SELECT),
        error_messages={
            "required": _("Choose the pupil."),
            "invalid_choice": _("Choose the pupil."),
        },
    )
    field_order = ["child"]

    def __init__(self, *args: Any, children: QuerySet[Child], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children  # type: ignore[attr-defined]


class JointTeamConsentForm(forms.Form):
    given = forms.TypedChoiceField(
        label=_("The family's answer on the joint team"),
        choices=[("1", _("Consent given")), ("0", _("No consent (or withdrawn)"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the family's answer.")},
    )
    guardian = forms.ModelChoiceField(
        label=_("Parent or carer who answered"),
        queryset=Guardian.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    by_child = forms.BooleanField(
        label=_("The young person answered too (12 or older)"), required=False
    )
    method = forms.ChoiceField(
        label=_("How"),
        choices=Consent.Method.choices,
        initial=Consent.Method.VERBAL,
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args: Any, guardians: QuerySet[Guardian], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["guardian"].queryset = guardians  # type: ignore[attr-defined]


class EntryForm(forms.Form):
    text = forms.CharField(
        label=_("New entry in the plan"),
        max_length=4000,
        widget=forms.Textarea(attrs=AREA),
        error_messages={"required": _("Write the entry.")},
    )


class RenewalForm(forms.Form):
    decision_number = forms.CharField(
        label=_("Number of the new decision"),
        max_length=50,
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": _("Give the number of the new decision.")},
    )
    decision_start = _date(_("New decision valid from"), required=True)
    decision_end = _date(_("New decision valid until"), required=True)
    evaluation_date = _date(
        _("Next shared evaluation date"),
        required=True,
        message=_("Choose the next evaluation date."),
    )
    ends_on = _date(_("Arrangement runs until"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("decision_start"), data.get("decision_end")
        if start and end and end <= start:
            self.add_error("decision_end", _("The decision must end after it starts."))
        return data


class EndForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why does the arrangement end?"),
        choices=Arrangement.EndReason.choices,
        widget=forms.Select(attrs=SELECT),
        error_messages={"required": _("Choose why the arrangement ends.")},
    )


class CaseHandoverForm(forms.Form):
    child = forms.ModelChoiceField(
        label=_("Child"),
        queryset=Child.objects.none(),
        widget=forms.Select(attrs=SELECT),
        error_messages={
            "required": _("Choose the child."),
            "invalid_choice": _("Choose the child."),
        },
    )
    school = forms.ModelChoiceField(
        label=_("Receiving special school"),
        queryset=Location.objects.none(),
        widget=forms.Select(attrs=SELECT),
        error_messages={
            "required": _("Choose the receiving special school."),
            "invalid_choice": _("Choose the receiving special school."),
        },
    )
    given = forms.TypedChoiceField(
        label=_("The parents' answer on handing the case over"),
        choices=[("1", _("Consent given")), ("0", _("Consent refused"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the parents' answer.")},
    )
    guardian = forms.ModelChoiceField(
        label=_("Parent or carer who answered"),
        queryset=Guardian.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    by_child = forms.BooleanField(
        label=_("The young person answered too (12 or older)"), required=False
    )
    method = forms.ChoiceField(
        label=_("How"),
        choices=Consent.Method.choices,
        initial=Consent.Method.VERBAL,
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(
        self,
        *args: Any,
        children: QuerySet[Child],
        schools: QuerySet[Location],
        guardians: QuerySet[Guardian],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children  # type: ignore[attr-defined]
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
        self.fields["guardian"].queryset = guardians  # type: ignore[attr-defined]
