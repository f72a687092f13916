"""Choice labels looked up once per field (kansrijk.core.choices, issue 17): every model's
`get_FOO_display` gives the label in the language active when it is called, and the value
itself for a value outside the choices, as Django's own does."""

from __future__ import annotations

from functools import partialmethod

import pytest
from django.apps import apps
from django.db.migrations.loader import MigrationLoader
from django.db.models import Model
from django.test import override_settings
from django.utils import translation

from kansrijk.cases.models import Case, Signal
from kansrijk.cases.workflow import CaseState
from kansrijk.core.choices import labels_now, per_language


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


def test_labels_now_are_what_get_display_gives_every_value() -> None:
    """`labels_now` (a table's labels, translated once) against each model's own
    `get_FOO_display`, for every choice field and every value, in both languages."""
    checked = 0
    for language in ("nl", "en"):
        with translation.override(language):
            for model in apps.get_models():
                for field in model._meta.fields:
                    if field.choices is None or callable(field.choices):
                        continue
                    labels = labels_now(model, field.name)
                    for value, _label in field.flatchoices:
                        instance = model(**{field.attname: value})
                        shown = getattr(instance, f"get_{field.name}_display")()
                        assert labels.get(value, value) == shown
                        checked += 1
    assert checked > 200
    assert labels_now(Case, "state").get("not-a-state", "not-a-state") == "not-a-state"


def test_labels_now_are_kept_per_language_and_renewed_with_the_catalogues(settings) -> None:
    """Kept per language: the same labels again in the same language, the other language's
    when it changes back and forth, and translated again when the catalogues change."""
    with translation.override("nl"):
        dutch = labels_now(Case, "state")
        assert labels_now(Case, "state") is dutch
    with translation.override("en"):
        assert labels_now(Case, "state")[CaseState.SIGNALLED] == "Signalled"
    with translation.override("nl"):
        assert labels_now(Case, "state")[CaseState.SIGNALLED] == "Gesignaleerd"
        settings.LOCALE_PATHS = []  # the project's catalogue gone: its labels in English
        assert labels_now(Case, "state")[CaseState.SIGNALLED] == "Signalled"
    with pytest.raises(TypeError):  # one map shared by every table: none may change it
        dutch["x"] = "y"  # type: ignore[index]


def test_a_migrations_models_keep_djangos_own_display() -> None:
    """The historical models a migration renders are left as Django makes them (nothing
    shows their labels, and `migrate` makes thousands of them); they still show labels."""
    state = MigrationLoader(None, ignore_no_migrations=True).project_state()
    historical = state.apps.get_model("cases", "Case")
    method = _display_method(historical, "get_state_display")
    assert isinstance(method, partialmethod)
    assert method.func is Model._get_FIELD_display  # type: ignore[attr-defined]
    with translation.override("en"):
        assert historical(state=CaseState.SIGNALLED).get_state_display() == "Signalled"


def test_fixed_words_are_translated_once_per_language() -> None:
    made: list[str | None] = []

    @per_language
    def words() -> str:
        made.append(translation.get_language())
        return translation.gettext("Log out")

    with translation.override("nl"):
        assert words() == words() == "Uitloggen"
    with translation.override("en"):
        assert words() == "Log out"
    with translation.override("nl"):
        assert words() == "Uitloggen"
    assert made == ["nl", "en"]
    # Other catalogues or languages (a test's settings): the words are made again.
    languages = [("nl", "Nederlands"), ("en", "English")]
    with override_settings(LANGUAGES=languages), translation.override("nl"):
        assert words() == "Uitloggen"
    assert made == ["nl", "en", "nl"]
