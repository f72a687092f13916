"""Forms of the zorgroute pages. They validate and keep what was typed; services decide."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kansrijk.cases.models import Case, Child, FamilyContact, Guardian, Signal
from kansrijk.cases.selectors import pupils_named
from kansrijk.cases.workflow import Input, Kind, Transition
from kansrijk.core.models import Organisation, Professional

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
        return pupil_label(obj.given_name, obj.family_name, obj.group)


def pupil_label(given_name: str, family_name: str, group: str, group_format: str = "") -> str:
    """A pupil as the picker lists them: the name, and the group when there is one.
    `group_format`: "group %(group)s" translated already (`group_word`), for a list."""
    if not group:
        return f"{given_name} {family_name}"
    group = (group_format or group_word()) % {"group": group}
    return f"{given_name} {family_name} ({group})"


def group_word() -> str:
    """ "group %(group)s" in the active language: once per list of pupils, not per pupil."""
    return gettext("group %(group)s")


class PupilFilterForm(forms.Form):
    """Narrow the pupil picker by part of a name (a GET form: works without JavaScript)."""

    q = forms.CharField(
        label=_("Find a pupil by name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "type": "search"}),
    )


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


class PupilPicker:
    """A form's pupil select (its `child` field) bounded at region scale (issue 17): at most
    PUPILS_SHOWN pupils in the order of the user's pupils (own groups first), narrowed by
    part of a name (`PupilFilterForm`, `pupil_name_filter`, the template
    cases/_pupil_filter.html, `selectors.pupils_named`); a chosen pupil stays in view."""

    #: The picker lists at most this many pupils; the name search narrows.
    PUPILS_SHOWN = 60
    more_pupils = False

    def pick_pupils(
        self,
        pupils: Callable[[], QuerySet[Child]],
        first: list[tuple[int, str, str, str]] | None = None,
        term: str = "",
    ) -> None:
        """`pupils()`: those the user may pick, built when the form needs them (to check a
        choice, to list them); `first`: the first PUPILS_SHOWN + 1 of them as the picker
        lists them, when the caller read them (selectors.picker_rows); `term`: part of a
        name they are narrowed to. An empty form with its first rows builds no query:
        building it was a tenth of the signal form's CPU."""
        form: forms.Form = self  # type: ignore[assignment]
        field: forms.ModelChoiceField = form.fields["child"]  # type: ignore[assignment]
        picked = str((form.data if form.is_bound else form.initial).get("child") or "")
        shown = first
        may = Child.objects.none()
        if shown is None or form.is_bound or picked:
            may = field.queryset = pupils_named(pupils(), term) if term else pupils()
        # The picker's options as plain rows: a model instance (and its location) per pupil
        # cost a fifth of the form's CPU (issue 17).
        rows = may.select_related(None).values_list("pk", "given_name", "family_name", "group")
        if shown is None:
            shown = list(rows[: self.PUPILS_SHOWN + 1])
        self.more_pupils = len(shown) > self.PUPILS_SHOWN
        shown = shown[: self.PUPILS_SHOWN]
        if picked.isdecimal() and all(row[0] != int(picked) for row in shown):
            shown[:0] = list(rows.filter(pk=int(picked)))  # the chosen one stays in view
        word = group_word()
        field.widget.choices = [
            ("", "---------"),
            *((pk, pupil_label(given, family, group, word)) for pk, given, family, group in shown),
        ]


def pupil_name_filter(data: QueryDict) -> tuple[PupilFilterForm, str]:
    """The picker's name filter from a request's GET data, and the part of a name it holds
    ("" for none)."""
    form = PupilFilterForm(data or None)
    return form, (form.cleaned_data["q"].strip() if form.is_valid() else "")


class SignalForm(PupilPicker, forms.Form):
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

    def __init__(
        self,
        *args: Any,
        pupils: Callable[[], QuerySet[Child]],
        first: list[tuple[int, str, str, str]] | None = None,
        term: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.pick_pupils(pupils, first, term)


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

    def __init__(
        self,
        *args: Any,
        owners: QuerySet[Professional],
        owner_choices: list[tuple[int | str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        field.queryset = owners  # type: ignore[attr-defined]  # checks a chosen owner
        field.choices = owner_choices  # type: ignore[attr-defined]  # read once per formset

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("owner") or data.get("due_date")) and not (
            data.get("description") or ""
        ).strip():
            self.add_error("description", _("Describe the action, or leave the whole row empty."))
        return data


PlanActionFormSet = forms.formset_factory(PlanActionForm, extra=3, max_num=20)


def owner_kwargs(owners: QuerySet[Professional]) -> dict[str, Any]:
    """The form arguments of every row of a PlanActionFormSet: who may own an action, read
    once for the formset (each row's select read them anew: five queries a plan page)."""
    field = PlanActionForm.base_fields["owner"]
    label = field.label_from_instance  # type: ignore[attr-defined]
    choices: list[tuple[int | str, str]] = [("", field.empty_label)]  # type: ignore[attr-defined]
    choices += [(person.pk, label(person)) for person in owners]
    return {"owners": owners, "owner_choices": choices}


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


class WorkerChoiceField(forms.ModelChoiceField):
    """A professional of a role, shown with the organisation(s) they hold it at."""

    def __init__(self, *args: Any, role: str, **kwargs: Any) -> None:
        self.role = role
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Professional) -> str:
        teams = sorted({m.organisation.name for m in obj.memberships.all() if m.role == self.role})
        name = obj.get_full_name() or obj.username
        return f"{name} ({', '.join(teams)})" if teams else name


class ReferralAnswerForm(forms.Form):
    """The receiving worker accepts a referral or returns it with a reason."""

    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("accept", _("Accept: I take up this case")), ("return", _("Return"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you accept or return the referral.")},
    )
    reason = forms.CharField(
        label=_("Reason (required when you return it)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={**AREA, "rows": 2}),
    )

    def clean_reason(self) -> str:
        return _no_nul(self.cleaned_data["reason"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("answer") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why you return the referral."))
        return data


def input_field(item: Input, *, case: Case | None = None, optional: bool = False) -> forms.Field:
    """The form field for one input of a row. `optional` when the form serves several rows
    (the meeting's decision form): the row's guards then say what is missing."""
    required = item.required and not optional
    errors = {"required": item.message} if item.message else {}
    field: forms.Field
    if item.kind == Kind.GUARDIAN:
        guardians = (
            case.family.guardians.filter(parental_authority=True)
            if case is not None
            else Guardian.objects.none()
        )
        field = forms.ModelChoiceField(
            label=item.label,
            queryset=guardians,
            required=required,
            widget=forms.Select(attrs=SELECT),
            error_messages=errors,
        )
    elif item.kind == Kind.ORGANISATION:
        field = forms.ModelChoiceField(
            label=item.label,
            queryset=Organisation.objects.filter(kind=item.of).order_by("name"),
            required=required,
            widget=forms.Select(attrs=SELECT),
            error_messages={**errors, "invalid_choice": _("Choose from the list.")},
        )
    elif item.kind == Kind.PROFESSIONAL:
        field = WorkerChoiceField(
            label=item.label,
            queryset=Professional.objects.filter(is_active=True, memberships__role=item.of)
            .distinct()
            .order_by("last_name", "first_name")
            .prefetch_related("memberships__organisation"),
            role=item.of,
            required=required,
            widget=forms.Select(attrs=SELECT),
            error_messages={**errors, "invalid_choice": _("Choose from the list.")},
        )
    elif item.kind == Kind.FLAG:
        field = forms.BooleanField(label=item.label, required=False)
    elif item.kind == Kind.DATE:
        field = forms.DateField(
            label=item.label,
            required=required,
            widget=forms.DateInput(attrs={**TEXT, "type": "date"}),
            error_messages=errors,
        )
    elif item.kind in {Kind.LINE, Kind.TEXT}:
        widget = (
            forms.Textarea(attrs={**AREA, "rows": 2})
            if item.kind == Kind.TEXT and not optional
            else forms.TextInput(attrs=TEXT)
        )
        field = forms.CharField(
            label=item.label,
            required=required,
            max_length=item.max_length,
            widget=widget,
            error_messages=errors,
        )
    else:
        choices = list(item.choices)
        if not required:
            choices = [("", item.blank_label or "—"), *choices]
        field = forms.ChoiceField(
            label=item.label,
            choices=choices,
            required=required,
            initial=item.initial,
            widget=forms.RadioSelect if item.radio and not optional else forms.Select(attrs=SELECT),
            error_messages=errors,
        )
    return field


def clean_inputs(form: forms.Form, inputs: list[Input], data: dict[str, Any]) -> None:
    """What every form over rows checks: no NUL byte, and inputs required by another's value."""
    for key, value in data.items():
        if isinstance(value, str) and "\x00" in value:
            form.add_error(key, _("The text contains a character that is not allowed."))
    for item in inputs:
        if item.required_when is None or item.name in form.errors:
            continue
        other, value = item.required_when
        given = data.get(item.name)
        if data.get(other) == value and (
            given is None or (isinstance(given, str) and not given.strip())
        ):
            form.add_error(item.name, item.message or _("This field is required."))


MODEL_KINDS = frozenset({Kind.GUARDIAN, Kind.ORGANISATION, Kind.PROFESSIONAL})


def input_data(inputs: list[Input], cleaned: dict[str, Any]) -> dict[str, Any]:
    """The service's `data` from cleaned inputs: ids for objects, nothing for blanks."""
    data: dict[str, Any] = {}
    for item in inputs:
        value = cleaned.get(item.name)
        if value is None or value == "" or value is False:
            continue
        data[item.name] = value.pk if item.kind in MODEL_KINDS else value
    return data


class TransitionForm(forms.Form):
    """The fields a step of the route asks for: the inputs its row declares."""

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
        #: The inputs this form asks for this case (an input `asked_when` something holds
        #: is left out where it does not).
        self.inputs = [i for i in transition.inputs if i.asked_when is None or i.asked_when(case)]
        for item in self.inputs:
            self.fields[item.name] = input_field(item, case=case)
        if transition.comment is not None:
            comment = self.fields["comment"]
            comment.required = transition.comment.required
            comment.label = transition.comment.label
            if transition.comment.message:
                comment.error_messages["required"] = transition.comment.message

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        clean_inputs(self, self.inputs, data)
        return data

    def service_data(self) -> dict[str, Any]:
        return input_data(self.inputs, self.cleaned_data)
