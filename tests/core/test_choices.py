"""Choice labels looked up once per field (kansrijk.core.choices, issue 17): every model's
`get_FOO_display` gives the label in the language active when it is called, and the value
itself for a value outside the choices, as Django's own does."""

from __future__ import annotations

from functools import partialmethod

from django.apps import apps
from django.db.models import Model
from django.utils import translation

from kansrijk.cases.models import Case, Signal
from kansrijk.cases.workflow import CaseState


def test_labels_follow_the_active_language() -> None:
    case = Case(state=CaseState.SIGNALLED, priority=Case.Priority.SAFETY)
    with translation.override("nl"):
        assert case.get_state_display() == "Gesignaleerd"
    with translation.override("en"):
        assert case.get_state_display() == "Signalled"
        assert case.get_priority_display() == str(Case.Priority.SAFETY.label)
    case.state = "not-a-state"
    assert case.get_state_display() == "not-a-state"
    assert Signal(domain="").get_domain_display() == ""


def _display_method(model: type[Model], name: str) -> object:
    """The class attribute as defined (a partialmethod), not as bound on access."""
    return next((k.__dict__[name] for k in model.__mro__ if name in k.__dict__), None)


def test_every_models_choice_fields_use_the_lookup() -> None:
    ours = django = 0
    for model in apps.get_models():
        for field in model._meta.fields:
            method = _display_method(model, f"get_{field.name}_display")
            if field.choices is None or not isinstance(method, partialmethod):
                continue
            ours += method.func.__module__ == "kansrijk.core.choices"
            django += method.func is Model._get_FIELD_display  # type: ignore[attr-defined]
    assert django == 0 and ours > 50
