"""Forms for the consent register and for disclosure on a legal ground."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kansrijk.cases.models import Case, Child, Guardian
from kansrijk.consent.models import Consent, LegalGround, Purpose
from kansrijk.core.models import Organisation

SELECT = {"class": "utrecht-select utrecht-select--html-select"}


class ConsentForm(forms.Form):
    child: forms.ModelChoiceField[Child] = forms.ModelChoiceField(
        label=_("Child"), queryset=Child.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=Purpose.choices, widget=forms.Select(attrs=SELECT)
    )
    recipient = forms.ModelChoiceField(
        label=_("Recipient"),
        required=False,
        queryset=Organisation.objects.order_by("name"),
        empty_label=_("The support team"),
        widget=forms.Select(attrs=SELECT),
    )
    status = forms.ChoiceField(
        label=_("Answer"), choices=Consent.Status.choices, widget=forms.RadioSelect
    )
    guardian: forms.ModelChoiceField[Guardian] = forms.ModelChoiceField(
        label=_("Answered by"),
        required=False,
        queryset=Guardian.objects.none(),
        widget=forms.Select(attrs=SELECT),
    )
    by_child = forms.BooleanField(
        label=_("The young person (12 or older) answered"), required=False
    )
    method = forms.ChoiceField(
        label=_("How"), choices=Consent.Method.choices, widget=forms.Select(attrs=SELECT)
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(
            attrs={"type": "date", "class": "utrecht-textbox"}, format="%Y-%m-%d"
        ),
        error_messages={"invalid": _("Enter a date like 2026-12-01.")},
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "consent")
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = case.family.children.all()  # type: ignore[attr-defined]
        self.fields["guardian"].queryset = case.family.guardians.filter(parental_authority=True)  # type: ignore[attr-defined]


class LegalGroundForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Share with"),
        queryset=Organisation.objects.order_by("name"),
        widget=forms.Select(attrs=SELECT),
    )
    ground = forms.ChoiceField(
        label=_("Legal ground"), choices=LegalGround.Ground.choices, widget=forms.RadioSelect
    )
    explanation = forms.CharField(
        label=_("Why is sharing without consent necessary?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "utrecht-textarea"}),
        error_messages={"required": _("Explain why sharing without consent is necessary.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "ground")
        super().__init__(*args, **kwargs)
