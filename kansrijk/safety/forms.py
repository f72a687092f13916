"""Forms of the safety pages. They validate and keep what was typed; services decide."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansrijk.cases.bsn import bsn_is_valid
from kansrijk.cases.forms import AREA, SELECT, TEXT, PupilChoiceField, PupilPicker
from kansrijk.cases.models import Child
from kansrijk.core.models import Professional
from kansrijk.safety.models import (
    WEIGHING_QUESTIONS,
    ContactAttempt,
    Decision,
    EmergencyAccess,
    MeldcodeStepNumber,
    NonResponseFlag,
)

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
DATE = {**TEXT, "type": "date"}


class CleanText(forms.Form):
    """Refuses the NUL byte in any text field (PostgreSQL would refuse it with a 500)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for key, value in data.items():
            if isinstance(value, str) and "\x00" in value:
                self.add_error(key, _("The text contains a character that is not allowed."))
        return data


_SUMMARY_LABELS = {
    MeldcodeStepNumber.MAP_SIGNALS: _("Which signals did you see or hear, and since when?"),
    MeldcodeStepNumber.CONSULT: _("What did the consultation bring?"),
    MeldcodeStepNumber.TALK: _("What did you discuss, and how did the parents react?"),
    MeldcodeStepNumber.WEIGH: _("Explain your weighing"),
    MeldcodeStepNumber.DECIDE: _("What will happen now (the help, the report)?"),
}


class MeldcodeStepForm(CleanText):
    """The fields of one meldcode step; which ones depends on the step."""

    summary = forms.CharField(
        max_length=4000,
        widget=forms.Textarea(attrs=AREA),
        error_messages={"required": _("Write down what you did and found.")},
    )

    def __init__(self, *args: Any, number: int, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"step{number}")
        super().__init__(*args, **kwargs)
        self.number = number
        self.label = MeldcodeStepNumber(number).label
        self.fields["summary"].label = _SUMMARY_LABELS[MeldcodeStepNumber(number)]
        if number == MeldcodeStepNumber.CONSULT:
            self.fields["colleague"] = forms.CharField(
                label=_("Colleague you consulted (name and role)"),
                max_length=200,
                widget=forms.TextInput(attrs=TEXT),
                error_messages={"required": _("Say which colleague you consulted.")},
            )
            self.fields["veilig_thuis_advice"] = forms.BooleanField(
                label=_("I also asked Veilig Thuis for advice"),
                required=False,
            )
        elif number == MeldcodeStepNumber.TALK:
            self.fields["parents"] = forms.BooleanField(
                label=_("I talked with the parents"),
                required=False,
                help_text=_("If not, explain why (for example: it would endanger the child)."),
            )
            self.fields["child"] = forms.BooleanField(
                label=_("I talked with the child"),
                required=False,
            )
        elif number == MeldcodeStepNumber.WEIGH:
            for key, question in WEIGHING_QUESTIONS:
                self.fields[key] = forms.ChoiceField(
                    label=question,
                    choices=YES_NO,
                    widget=forms.RadioSelect,
                    required=key in {"q1", "q2"},
                    error_messages={"required": _("Answer this question.")},
                )
        elif number == MeldcodeStepNumber.DECIDE:
            self.fields["decision"] = forms.ChoiceField(
                label=_("Decision"),
                choices=Decision.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose your decision.")},
            )

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("summary", None)
        return data


class ReportForm(CleanText):
    """The report to Veilig Thuis; offered at every step ('report now')."""

    reported_on = forms.DateField(
        label=_("Reported on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        error_messages={
            "required": _("Fill in the date of the report."),
            "invalid": _("Enter a date like 2026-12-01."),
        },
    )
    reference = forms.CharField(
        label=_("Veilig Thuis reference"),
        max_length=100,
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": _("Fill in the reference Veilig Thuis gave you.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={**AREA, "rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "report")
        super().__init__(*args, **kwargs)


class ContactAttemptForm(PupilPicker, CleanText):
    child = PupilChoiceField()
    kind = forms.ChoiceField(
        label=_("What happened?"),
        choices=ContactAttempt.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what happened.")},
    )
    happened_on = forms.DateField(
        label=_("When"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        error_messages={
            "required": _("Fill in the date."),
            "invalid": _("Enter a date like 2026-12-01."),
        },
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=500, widget=forms.TextInput(attrs=TEXT)
    )

    def __init__(
        self, *args: Any, pupils: Callable[[], QuerySet[Child]], term: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.pick_pupils(pupils, term=term)


class ResolveForm(CleanText):
    resolution = forms.CharField(
        label=_("Follow-up"),
        max_length=500,
        widget=forms.TextInput(attrs=TEXT),
        help_text=_(
            "For example: home visit planned, asked the district team, community officer involved."
        ),
        error_messages={"required": _("Say what was done to reach the family.")},
    )


class FollowUpForm(CleanText):
    """The coordinator's choice for a family that does not respond (seed 001)."""

    choice = forms.ChoiceField(
        label=_("What do you do next?"),
        choices=NonResponseFlag.FollowUp.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you do next.")},
    )
    officer = forms.ModelChoiceField(
        label=_("Community officer (when involving them)"),
        required=False,
        queryset=Professional.objects.none(),
        widget=forms.Select(attrs=SELECT),
    )
    owner = forms.ModelChoiceField(
        label=_("Who makes the home visit"),
        required=False,
        queryset=Professional.objects.none(),
        widget=forms.Select(attrs=SELECT),
    )
    visit_on = forms.DateField(
        label=_("Date of the home visit"),
        required=False,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date like 2026-12-01.")},
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=500, widget=forms.TextInput(attrs=TEXT)
    )

    def __init__(
        self,
        *args: Any,
        officers: QuerySet[Professional],
        owners: QuerySet[Professional],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers  # type: ignore[attr-defined]
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choice = data.get("choice")
        if choice == NonResponseFlag.FollowUp.COMMUNITY_OFFICER and not data.get("officer"):
            self.add_error("officer", _("Choose a community officer."))
        if choice == NonResponseFlag.FollowUp.HOME_VISIT:
            if not data.get("owner"):
                self.add_error("owner", _("Choose who makes the home visit."))
            if not data.get("visit_on") and "visit_on" not in self.errors:
                self.add_error("visit_on", _("Choose a date for the home visit from today."))
        return data


class DistrictAnswerForm(CleanText):
    answer = forms.CharField(
        label=_("Do you know the family? Your answer"),
        max_length=500,
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": _("Say whether you know the family.")},
    )


class BsnField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        widget = kwargs.pop("widget", None) or forms.TextInput(
            attrs={**TEXT, "inputmode": "numeric", "autocomplete": "off"}
        )
        super().__init__(
            label=_("BSN of the child"),
            min_length=9,
            max_length=9,
            widget=widget,
            error_messages={
                "required": _("Fill in the BSN."),
                "min_length": _("A BSN has 9 digits."),
                "max_length": _("A BSN has 9 digits."),
            },
            **kwargs,
        )

    def clean(self, value: Any) -> str:
        value = super().clean((value or "").strip())
        if not value.isdigit():
            raise forms.ValidationError(_("A BSN has 9 digits."))
        if not bsn_is_valid(value):
            # A typo, not an unknown child: say so before anything is searched or logged.
            raise forms.ValidationError(_("This is not a valid BSN (it fails the elfproef)."))
        return str(value)


class VulnerableFamilyForm(CleanText):
    bsn = BsnField()
    source = forms.CharField(
        label=_("Source"),
        max_length=100,
        widget=forms.TextInput(attrs=TEXT),
        help_text=_("Where the concern comes from, for example: SWV list, area manager."),
        error_messages={"required": _("Name your source.")},
    )
    reason = forms.CharField(
        label=_("Short reason"),
        max_length=300,
        widget=forms.TextInput(attrs=TEXT),
        help_text=_("No diagnoses; a few words are enough."),
        error_messages={"required": _("Give a short reason.")},
    )


class VulnerablePlanForm(CleanText):
    approach = forms.CharField(
        label=_("Approach"),
        max_length=500,
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": _("Describe the approach.")},
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=Professional.objects.none(),
        error_messages={
            "required": _("Choose an owner from the list."),
            "invalid_choice": _("Choose an owner from the list."),
        },
    )
    review_on = forms.DateField(
        label=_("Review date"),
        widget=forms.DateInput(attrs={**TEXT, "type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Give a review date."),
            "invalid": _("Enter a date like 2026-12-01."),
        },
    )

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class VulnerableCloseForm(CleanText):
    reason = forms.CharField(
        label=_("Reason for closing"),
        max_length=300,
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": _("Give a reason for closing.")},
    )


class OfficerForm(CleanText):
    officer = forms.ModelChoiceField(
        label=_("Community officer"),
        queryset=Professional.objects.none(),
        widget=forms.Select(attrs=SELECT),
        error_messages={
            "required": _("Choose a community officer."),
            "invalid_choice": _("Choose a community officer."),
        },
    )
    reason = forms.CharField(
        label=_("Why is the community officer involved?"),
        max_length=500,
        widget=forms.Textarea(attrs={**AREA, "rows": 2}),
        error_messages={"required": _("Say why the community officer is involved.")},
    )

    def __init__(self, *args: Any, officers: QuerySet[Professional], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers  # type: ignore[attr-defined]


class EmergencySearchForm(CleanText):
    bsn = BsnField()


class EmergencyGrantForm(CleanText):
    bsn = BsnField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("What is the emergency?"),
        max_length=450,
        widget=forms.Textarea(attrs={**AREA, "rows": 2}),
        help_text=_("Your reason is logged; the coordinator reviews every emergency access."),
        error_messages={"required": _("State the emergency.")},
    )


class ReviewForm(CleanText):
    outcome = forms.ChoiceField(choices=EmergencyAccess.Review.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=500, widget=forms.TextInput(attrs=TEXT)
    )
