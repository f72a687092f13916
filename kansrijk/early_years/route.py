"""What the rows of the 0–4 route do besides changing the state (issue 12): the rows live in
`cases.workflow.TRANSITIONS`, next to the school route; `cases.services.case_transition`
applies them and calls `EFFECTS` inside its transaction; `FIELDS` are what their forms ask."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansrijk.cases.models import Case, Child
from kansrijk.cases.workflow import Outcome
from kansrijk.core.models import Professional
from kansrijk.early_years.models import VveIndication

#: A child is a toddler on the 0–4 route until their fourth birthday.
TODDLER_AGE = 4


def toddlers_of(case: Case) -> list[Child]:
    """The children of the case's signals who are not yet four."""
    today = timezone.localdate()
    children = {s.child for s in case.signals.select_related("child")}
    return sorted((c for c in children if c.age_on(today) < TODDLER_AGE), key=lambda c: c.pk)


def _consultation(case: Case, *, by: Professional, data: dict[str, Any]) -> dict[str, Any]:
    on = data.get("consultation_on")
    return {"consultation_on": str(on) if on else ""}


def _vve_indication(case: Case, *, by: Professional, data: dict[str, Any]) -> dict[str, Any]:
    programme = data["programme"].strip()
    toddlers = toddlers_of(case)
    for child in toddlers:
        VveIndication.objects.create(child=child, case=case, programme=programme, indicated_by=by)
    return {"programme": programme, "children": [c.pk for c in toddlers]}


def _parent_activities(case: Case, *, by: Professional, data: dict[str, Any]) -> dict[str, Any]:
    return {"parent_room": bool(data.get("parent_room")), "language": bool(data.get("language"))}


def _close(case: Case, *, by: Professional, data: dict[str, Any]) -> dict[str, Any]:
    case.outcome = data["outcome"]
    case.closed_at = timezone.now()
    return {"outcome": data["outcome"]}


Effect = Callable[..., dict[str, Any]]

EFFECTS: dict[str, Effect] = {
    "jgz_consultation": _consultation,
    "vve_indication": _vve_indication,
    "offer_parent_activities": _parent_activities,
    "close_early": _close,
}


def fields(name: str) -> dict[str, forms.Field]:
    """The form fields a row of the 0–4 route asks for."""
    if name == "jgz_consultation":
        return {
            "consultation_on": forms.DateField(
                label=_("Date of the consultation"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date", "class": "utrecht-textbox"}),
            )
        }
    if name == "vve_indication":
        return {
            "programme": forms.CharField(
                label=_("VVE programme"),
                max_length=200,
                widget=forms.TextInput(attrs={"class": "utrecht-textbox"}),
                error_messages={
                    "required": _("Name the VVE programme the toddler is indicated for.")
                },
            )
        }
    if name == "offer_parent_activities":
        return {
            "parent_room": forms.BooleanField(label=_("Parent-room activities"), required=False),
            "language": forms.BooleanField(
                label=_("Language activities for the parent"), required=False
            ),
        }
    if name == "close_early":
        return {
            "outcome": forms.ChoiceField(
                label=_("Outcome"),
                choices=Outcome.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose the outcome of the case.")},
            )
        }
    return {}
