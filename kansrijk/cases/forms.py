"""Forms of the zorgroute pages. They validate and keep what was typed; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kansrijk.cases.models import Case, Child, FamilyContact, Signal
from kansrijk.cases.workflow import DistrictTeamCheck, EscalationTarget, Outcome, Transition
from kansrijk.consent.models import Consent
from kansrijk.core.models import Professional

TEXT = {"class": "utrecht-textbox utrecht-textbox--html-input"}
AREA = {"class": "utrecht-textarea utrecht-textarea--html-textarea", "rows": 4}
SELECT = {"class": "utrecht-select utrecht-select--html-select"}


class PupilChoiceField(forms.ModelChoiceField):
    """A pupil from the ones the user may signal about; the form sets the queryset."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Pupil"))
        kwargs.setdefault("queryset", Child.objects.none())
        kwargs.setdefault("widget", forms.Select(attrs=SELECT))
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Choose the pupil."),
                "invalid_choice": _("Choose a pupil from the list."),
            },
        )
        super().__init__(**kwargs)

    def label_from_instance(self, obj: Child) -> str:
        group = _("group %(group)s") % {"group": obj.group} if obj.group else ""
        return f"{obj.given_name} {obj.family_name} ({group})" if group else str(obj)


class PupilSearchForm(forms.Form):
    """The nurse finds a pupil by name and date of birth: never a list of a whole school."""

    name = forms.CharField(
        label=_("Pupil's name"), max_length=100, widget=forms.TextInput(attrs=TEXT)
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        widget=forms.DateInput(attrs={**TEXT, "type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date like 2026-12-01.")},
    )


class SignalForm(forms.Form):
    child = PupilChoiceField()
    domain = forms.ChoiceField(
        label=_("What is it about?"),
        choices=Signal.Domain.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what the signal is about.")},
    )
    urgency = forms.ChoiceField(
        label=_("How urgent is it?"),
        choices=Signal.Urgency.choices,
        widget=forms.RadioSelect,
        initial=Signal.Urgency.NORMAL,
        error_messages={"required": _("Choose how urgent it is.")},
    )
    description = forms.CharField(
        label=_("What did you notice?"),
        max_length=4000,
        widget=forms.Textarea(attrs=AREA),
        help_text=_("Facts you saw or heard, and since when. No diagnoses."),
        error_messages={"required": _("Describe what you noticed.")},
    )
    safety_concern = forms.BooleanField(
        label=_("Concerns about safety at home"),
        required=False,
        help_text=_(
            "The case gets priority 1 on the safety route; the coordinator and the "
            "family specialist are told at once."
        ),
    )

    parents_agree = forms.BooleanField(
        label=_(
            "The parents know of this signal and agree that it goes to the CJG and the "
            "district team"
        ),
        required=False,
        help_text=_("Childcare: discuss your concern with the parents first."),
    )

    def __init__(self, *args: Any, pupils: QuerySet[Child], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = pupils  # type: ignore[attr-defined]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise forms.ValidationError(_("The text contains a character that is not allowed."))
    return value


class PlanForm(forms.Form):
    summary = forms.CharField(
        label=_("Approach"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs=AREA),
        help_text=_("For example: extra phone calls with the parents, other learning material."),
    )
    goals = forms.CharField(
        label=_("Goals (one per line)"),
        max_length=4000,
        widget=forms.Textarea(attrs=AREA),
        error_messages={"required": _("A plan needs at least one goal.")},
    )
    evaluation_date = forms.DateField(
        label=_("Evaluation date"),
        required=False,
        widget=forms.DateInput(attrs={**TEXT, "type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date like 2026-12-01.")},
    )

    def clean_goals(self) -> list[str]:
        lines = [line.strip() for line in _no_nul(self.cleaned_data["goals"]).splitlines()]
        goals = [line for line in lines if line]
        if not goals:
            raise forms.ValidationError(_("A plan needs at least one goal."))
        if any(len(goal) > 500 for goal in goals):
            raise forms.ValidationError(_("Keep each goal under 500 characters."))
        return goals


class PlanActionForm(forms.Form):
    description = forms.CharField(
        label=_("Action"), required=False, max_length=500, widget=forms.TextInput(attrs=TEXT)
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        required=False,
        queryset=Professional.objects.none(),
        widget=forms.Select(attrs=SELECT),
    )
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={**TEXT, "type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date like 2026-12-01.")},
    )

    def __init__(self, *args: Any, owners: QuerySet[Professional], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("owner") or data.get("due_date")) and not (
            data.get("description") or ""
        ).strip():
            self.add_error("description", _("Describe the action, or leave the whole row empty."))
        return data


PlanActionFormSet = forms.formset_factory(PlanActionForm, extra=3, max_num=20)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"),
        max_length=4000,
        widget=forms.Textarea(attrs=AREA),
        error_messages={"required": _("A note cannot be empty.")},
    )

    def clean_text(self) -> str:
        return _no_nul(self.cleaned_data["text"])


class FamilyContactForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How"), choices=FamilyContact.Channel.choices, widget=forms.Select(attrs=SELECT)
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=4000,
        widget=forms.Textarea(attrs=AREA),
        error_messages={"required": _("Summarise the contact.")},
    )

    def clean_summary(self) -> str:
        return _no_nul(self.cleaned_data["summary"])


class TransitionForm(forms.Form):
    """The fields a step of the route asks for; which ones depends on the transition."""

    comment = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={**AREA, "rows": 2}),
    )

    def __init__(self, *args: Any, transition: Transition, case: Case, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", transition.name)
        super().__init__(*args, **kwargs)
        self.transition = transition
        name = transition.name
        if name in {"consent_given", "consent_refused"}:
            guardians = case.family.guardians.filter(parental_authority=True)
            self.fields["guardian"] = forms.ModelChoiceField(
                label=_("Answered by"),
                queryset=guardians,
                required=False,
                widget=forms.Select(attrs=SELECT),
            )
            self.fields["method"] = forms.ChoiceField(
                label=_("How"),
                choices=Consent.Method.choices,
                initial=Consent.Method.VERBAL,
                widget=forms.Select(attrs=SELECT),
            )
            self.fields["by_child"] = forms.BooleanField(
                label=_("The young person (12 or older) answered too"),
                required=False,
            )
        elif name == "check_district_team":
            self.fields["district_team_check"] = forms.ChoiceField(
                label=_("Is the family known to the district team?"),
                choices=DistrictTeamCheck.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Record whether the district team already knows the family.")
                },
            )
            self.fields["known_to"] = forms.CharField(
                label=_("Known to (worker or team)"),
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs=TEXT),
            )
        elif name == "escalate":
            self.fields["escalated_to"] = forms.ChoiceField(
                label=_("Escalate to"),
                choices=EscalationTarget.choices,
                widget=forms.Select(attrs=SELECT),
            )
            self.fields["plan_goal"] = forms.CharField(
                label=_("Tailored plan: what is the goal?"),
                max_length=500,
                widget=forms.Textarea(attrs={**AREA, "rows": 2}),
                error_messages={"required": _("Describe the tailored plan for the escalation.")},
            )
            self.fields["referral_consent"] = forms.ChoiceField(
                label=_("Parents' consent to the referral"),
                required=False,
                choices=[
                    ("", _("Already recorded, or a legal ground applies")),
                    *Consent.Method.choices,
                ],
                widget=forms.Select(attrs=SELECT),
            )
        elif name == "close":
            self.fields["outcome"] = forms.ChoiceField(
                label=_("Outcome"),
                choices=Outcome.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose the outcome of the case.")},
            )
        from kansrijk.early_years.route import fields as early_years_fields

        self.fields.update(early_years_fields(name))
        if name == "evaluate":
            self.fields["comment"].required = True
            self.fields["comment"].label = _("Result of the evaluation")
            self.fields["comment"].error_messages["required"] = _(
                "Write down the result of the evaluation."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for key, value in data.items():
            if isinstance(value, str) and "\x00" in value:
                self.add_error(key, _("The text contains a character that is not allowed."))
        if (
            data.get("district_team_check") == DistrictTeamCheck.ALREADY_KNOWN
            and not (data.get("known_to") or "").strip()
        ):
            self.add_error("known_to", _("Say to whom the family is already known."))
        return data

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("comment", None)
        guardian = data.pop("guardian", None)
        if guardian is not None:
            data["guardian"] = guardian.pk
        return data
