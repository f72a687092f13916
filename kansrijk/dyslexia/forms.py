"""The forms of the dyslexia file; bad input keeps what was typed (house rule 9). The help
texts name the criteria of the Protocol Dyslexie Diagnostiek en Behandeling 3.0 (NKD, 2021)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kansrijk.cases.forms import PupilPicker
from kansrijk.cases.models import Child
from kansrijk.consent.models import Consent
from kansrijk.core.models import Organisation
from kansrijk.dyslexia.models import Absence, IqIndication, Measurement

AREA = {"rows": 3, "class": "utrecht-textarea"}
SELECT = {"class": "utrecht-select"}
DATE = {"type": "date", "class": "utrecht-textbox"}
TEXT = {"class": "utrecht-textbox"}
PROTOCOL = _("Protocol Dyslexie Diagnostiek en Behandeling 3.0 (NKD, 2021)")
DATE_ERRORS = {"required": _("Fill in the date."), "invalid": _("Fill in a valid date.")}


class PupilChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.given_name} {obj.family_name} ({obj.group or '-'})"


class FileForm(PupilPicker, forms.Form):
    child = PupilChoice(
        label=_("Pupil"),
        queryset=Child.objects.none(),
        widget=forms.Select(attrs=SELECT),
        error_messages={
            "required": _("Choose the pupil."),
            "invalid_choice": _("Choose the pupil."),
        },
    )

    def __init__(
        self, *args: Any, pupils: Callable[[], QuerySet[Child]], term: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.pick_pupils(pupils, term=term)


YES_NO = [("", "—"), ("yes", _("Yes")), ("no", _("No"))]


class ExclusionForm(forms.Form):
    hearing_checked = forms.ChoiceField(
        label=_("Hearing checked"),
        choices=YES_NO,
        required=False,
        widget=forms.Select(attrs=SELECT),
        help_text=_("Other causes are excluded (%(protocol)s): hearing and vision.")
        % {"protocol": PROTOCOL},
    )
    vision_checked = forms.ChoiceField(
        label=_("Vision checked"), choices=YES_NO, required=False, widget=forms.Select(attrs=SELECT)
    )
    iq_indication = forms.ChoiceField(
        label=_("Indication of intelligence"),
        choices=[("", "—"), *IqIndication.choices],
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    absence = forms.ChoiceField(
        label=_("School absence"),
        choices=[("", "—"), *Absence.choices],
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    other_causes = forms.CharField(
        label=_("Other possible causes, and why they are excluded"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs=AREA),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("hearing_checked", "vision_checked"):
            value = data.get(name)
            data[name] = {"yes": True, "no": False}.get(value or "")
        return data


class MeasurementForm(forms.Form):
    measured_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs=DATE), error_messages=DATE_ERRORS
    )
    test = forms.ChoiceField(
        label=_("Test"), choices=Measurement.Test.choices, widget=forms.Select(attrs=SELECT)
    )
    skill = forms.ChoiceField(
        label=_("Reading or spelling"),
        choices=Measurement.Skill.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose reading or spelling.")},
    )
    score = forms.CharField(
        label=_("Score"), required=False, max_length=30, widget=forms.TextInput(attrs=TEXT)
    )
    percentile = forms.IntegerField(
        label=_("Percentile"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs=TEXT),
        help_text=_(
            "%(protocol)s: a pupil qualifies when reading is in the lowest 10 %% (percentile "
            "10 or lower), or reading in the lowest 16 %% and spelling in the lowest 10 %%, at "
            "three consecutive measurements."
        )
        % {"protocol": PROTOCOL},
        error_messages={
            "required": _("Fill in the percentile (0 to 100)."),
            "invalid": _("Fill in the percentile as a whole number (0 to 100)."),
            "min_value": _("A percentile lies between 0 and 100."),
            "max_value": _("A percentile lies between 0 and 100."),
        },
    )
    level = forms.CharField(
        label=_("Level (e.g. AVI level or I–V)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs=TEXT),
    )


class SupportForm(forms.Form):
    started_on = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs=DATE), error_messages=DATE_ERRORS
    )
    ended_on = forms.DateField(
        label=_("Until"), widget=forms.DateInput(attrs=DATE), error_messages=DATE_ERRORS
    )
    approach = forms.CharField(
        label=_("What was done"),
        max_length=4000,
        widget=forms.Textarea(attrs=AREA),
        help_text=_(
            "%(protocol)s: intensive extra guidance at level 3 of the support continuum, for "
            "at least two periods of about 12 weeks, shows whether the problem persists "
            "(didactic resistance)."
        )
        % {"protocol": PROTOCOL},
        error_messages={"required": _("Describe what was done.")},
    )
    minutes_per_week = forms.IntegerField(
        label=_("Minutes per week"),
        min_value=1,
        max_value=2000,
        widget=forms.NumberInput(attrs=TEXT),
        error_messages={
            "required": _("Fill in the minutes per week."),
            "invalid": _("Fill in the minutes per week as a number."),
            "min_value": _("Fill in the minutes per week as a number."),
            "max_value": _("Fill in the minutes per week as a number."),
        },
    )
    result = forms.CharField(
        label=_("Result"),
        max_length=4000,
        widget=forms.Textarea(attrs=AREA),
        error_messages={"required": _("Describe the result.")},
    )


class ConsentForm(forms.Form):
    given = forms.TypedChoiceField(
        label=_("The parents' answer"),
        choices=[("yes", _("Given")), ("no", _("Refused"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text=_(
            "The parents agree that the file goes to the SWV's gatekeeper and, when referred, "
            "to the dyslexia care provider (%(protocol)s)."
        )
        % {"protocol": PROTOCOL},
        error_messages={"required": _("Choose the parents' answer.")},
    )
    method = forms.ChoiceField(
        label=_("How"),
        choices=[(k, v) for k, v in Consent.Method.choices if k != Consent.Method.PORTAL],
        widget=forms.Select(attrs=SELECT),
    )


class AnswerForm(forms.Form):
    question_id = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(
        label=_("Your answer"),
        max_length=4000,
        widget=forms.Textarea(attrs=AREA),
        error_messages={"required": _("Write your answer.")},
    )


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("What should the school add?"),
        max_length=4000,
        widget=forms.Textarea(attrs=AREA),
        error_messages={"required": _("Write what the school should add.")},
    )


class DecisionForm(forms.Form):
    refer = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[
            ("yes", _("Refer to a dyslexia care provider for diagnosis")),
            ("no", _("Do not refer")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose your decision.")},
    )
    provider = forms.ModelChoiceField(
        label=_("Dyslexia care provider"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality that issues the decision"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=4000, widget=forms.Textarea(attrs=AREA)
    )
    advice = forms.CharField(
        label=_("Advice to the school"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs=AREA),
        help_text=_("When you do not refer: how the school can strengthen the reading support."),
    )

    def __init__(
        self,
        *args: Any,
        providers: QuerySet[Organisation],
        municipalities: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]
        if municipalities.count() == 1:
            self.fields["municipality"].initial = municipalities.first()


class IssueForm(forms.Form):
    number = forms.CharField(
        label=_("Decision number"),
        max_length=50,
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": _("Give the decision's number.")},
    )
