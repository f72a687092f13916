"""Forms of the meeting pages. They validate and keep what was typed; services decide."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kansrijk.cases.forms import clean_inputs, input_data, input_field
from kansrijk.cases.workflow import Kind, Transition, all_inputs
from kansrijk.core.models import Location, Professional
from kansrijk.meetings.models import MeetingKind, Weekday, WithoutConsent

TEXT = {"class": "utrecht-textbox utrecht-textbox--html-input"}
SELECT = {"class": "utrecht-select utrecht-select--html-select"}
DATE = {**TEXT, "type": "date"}
#: How many action rows the decision form offers per item.
ACTION_ROWS = 3


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise forms.ValidationError(_("The text contains a character that is not allowed."))
    return value


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Professional) -> str:
        return str(obj)


class OwnerChoiceField(forms.TypedChoiceField):
    """One of the people fetched once for the whole agenda: every action row of every item
    shows this select, so a queryset per field would cost a query each."""

    def __init__(self, people: Sequence[Professional], **kwargs: Any) -> None:
        self.people = {str(p.pk): p for p in people}
        choices = [("", "---------"), *((key, str(p)) for key, p in self.people.items())]
        super().__init__(
            choices=choices, coerce=self.people.__getitem__, empty_value=None, **kwargs
        )


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Professional) -> str:
        return str(obj)


class SeriesForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=MeetingKind.choices, widget=forms.Select(attrs=SELECT)
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": _("Give the meeting a name.")},
    )
    location = forms.ModelChoiceField(
        label=_("School"),
        required=False,
        queryset=Location.objects.none(),
        widget=forms.Select(attrs=SELECT),
        help_text=_(
            "Required for a support-team meeting; empty for the care meeting of all centres."
        ),
    )
    weekday = forms.TypedChoiceField(
        label=_("Weekday"), choices=Weekday.choices, coerce=int, widget=forms.Select(attrs=SELECT)
    )
    start_time = forms.TimeField(
        label=_("Start time"),
        widget=forms.TimeInput(attrs={**TEXT, "type": "time"}, format="%H:%M"),
        error_messages={
            "invalid": _("Enter a time like 09:00."),
            "required": _("Enter a time like 09:00."),
        },
    )
    every_weeks = forms.TypedChoiceField(
        label=_("Rhythm"),
        coerce=int,
        initial=1,
        widget=forms.Select(attrs=SELECT),
        choices=[
            (1, _("Every week")),
            (2, _("Every 2 weeks")),
            (3, _("Every 3 weeks")),
            (4, _("Every 4 weeks")),
        ],
    )
    duration_minutes = forms.IntegerField(
        label=_("Time box (minutes)"),
        min_value=5,
        max_value=240,
        initial=60,
        widget=forms.NumberInput(attrs=TEXT),
    )
    without_consent = forms.ChoiceField(
        label=_("A case without consent for everyone present"),
        choices=WithoutConsent.choices,
        initial=WithoutConsent.ANONYMISE,
        widget=forms.RadioSelect,
    )
    members = PeopleChoiceField(
        label=_("Members"),
        required=False,
        queryset=Professional.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        locations: QuerySet[Location],
        people: QuerySet[Professional],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations  # type: ignore[attr-defined]
        self.fields["members"].queryset = people  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        return _no_nul(self.cleaned_data["name"]).strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == MeetingKind.SUPPORT_TEAM_MEETING and not data.get("location"):
            self.add_error("location", _("A support-team meeting belongs to one school."))
        return data


class AddItemForm(forms.Form):
    case = forms.IntegerField(
        label=_("Case number"),
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        widget=forms.NumberInput(attrs=TEXT),
        error_messages={"invalid": _("Enter a case number.")},
    )
    topic = forms.CharField(
        label=_("Or a topic"), required=False, max_length=200, widget=forms.TextInput(attrs=TEXT)
    )

    def clean_topic(self) -> str:
        return _no_nul(self.cleaned_data["topic"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("case") and not (data.get("topic") or "").strip() and not self.errors:
            self.add_error("topic", _("Give a case number or a topic."))
        return data


class InviteForm(forms.Form):
    professional = PersonChoiceField(
        label=_("Invite"),
        queryset=Professional.objects.none(),
        widget=forms.Select(attrs=SELECT),
        error_messages={
            "required": _("Choose whom to invite."),
            "invalid_choice": _("Choose someone from the list."),
        },
    )

    def __init__(self, *args: Any, people: QuerySet[Professional], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["professional"].queryset = people  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    """Per item: one line of decision, the case's next step, and up to three actions."""

    decision = forms.CharField(
        label=_("Decision (one line)"),
        max_length=300,
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": _("Write the decision in one line.")},
    )
    transition = forms.ChoiceField(
        label=_("Next step of the case"), required=False, widget=forms.Select(attrs=SELECT)
    )

    def __init__(
        self,
        *args: Any,
        transitions: list[Transition],
        owners: Sequence[Professional],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.transitions = transitions
        #: The inputs of the steps offered here, from their rows; who answered a consent
        #: question is recorded on the case page, where the family's guardians are known.
        self.inputs = [i for i in all_inputs(transitions) if i.kind != Kind.GUARDIAN]
        if transitions:
            self.fields["transition"].choices = [  # type: ignore[attr-defined]
                ("", _("No step now")),
                *((t.name, t.label) for t in transitions),
            ]
        else:
            del self.fields["transition"]
        for item in self.inputs:
            field = input_field(item, optional=True)
            steps = ", ".join(str(t.label) for t in transitions if item in t.inputs)
            field.label = _("%(input)s (for: %(steps)s)") % {"input": item.label, "steps": steps}
            self.fields[item.name] = field
        for row in range(ACTION_ROWS):
            self.fields[f"action_{row}"] = forms.CharField(
                label=_("Action %(number)s") % {"number": row + 1},
                required=False,
                max_length=300,
                widget=forms.TextInput(attrs=TEXT),
            )
            self.fields[f"owner_{row}"] = OwnerChoiceField(
                owners,
                label=_("Owner"),
                required=False,
                widget=forms.Select(attrs=SELECT),
                error_messages={"invalid_choice": _("Choose someone from the list.")},
            )
            self.fields[f"due_{row}"] = forms.DateField(
                label=_("Due date"),
                required=False,
                widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                error_messages={"invalid": _("Enter a date like 2026-12-01.")},
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        clean_inputs(self, self.inputs, data)
        for row in range(ACTION_ROWS):
            text = (data.get(f"action_{row}") or "").strip()
            owner, due = data.get(f"owner_{row}"), data.get(f"due_{row}")
            if text and owner is None and f"owner_{row}" not in self.errors:
                self.add_error(f"owner_{row}", _("Choose the owner of the action."))
            if text and due is None and f"due_{row}" not in self.errors:
                self.add_error(f"due_{row}", _("Give the action a due date."))
            if not text and (owner is not None or due is not None):
                self.add_error(
                    f"action_{row}", _("Describe the action, or leave the whole row empty.")
                )
            if due is not None and due < datetime.date(2000, 1, 1):
                self.add_error(f"due_{row}", _("Enter a date like 2026-12-01."))
        return data

    def action_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"action_{r}"], self[f"owner_{r}"], self[f"due_{r}"]) for r in range(ACTION_ROWS)
        ]

    def step_fields(self) -> list[forms.BoundField]:
        return [self[item.name] for item in self.inputs]

    def service_actions(self) -> list[dict[str, Any]]:
        return [
            {
                "description": self.cleaned_data[f"action_{r}"],
                "owner": self.cleaned_data[f"owner_{r}"],
                "due_date": self.cleaned_data[f"due_{r}"],
            }
            for r in range(ACTION_ROWS)
            if (self.cleaned_data.get(f"action_{r}") or "").strip()
        ]

    def service_data(self) -> dict[str, Any]:
        """The inputs of the chosen step only."""
        chosen = next(
            (t for t in self.transitions if t.name == self.cleaned_data.get("transition")), None
        )
        if chosen is None:
            return {}
        return input_data([i for i in chosen.inputs if i in self.inputs], self.cleaned_data)
