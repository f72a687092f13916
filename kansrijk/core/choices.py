"""Choice labels and fixed words looked up, not rebuilt (issue 17).

Django's `get_FOO_display` builds a dict of all the field's choices on every call, hashing
each lazy label and so translating every label of the field to show one: a list of 80 cases
spent some 2,000 translations per page on their states. Here each model field with fixed
choices keeps its value -> label map once, and only the label shown is translated, in the
language active at that moment, as before. The fixed words a table or the page's header
writes on every page are translated once per language too (`per_language`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache, partialmethod
from types import MappingProxyType
from typing import Any, TypeVar

from django.core.signals import setting_changed
from django.db.models import Field, Model
from django.db.models.signals import class_prepared
from django.dispatch import receiver
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language


@cache
def _labels(field: Field[Any, Any]) -> dict[Any, Any]:
    return {make_hashable(value): label for value, label in field.flatchoices}


def _display(self: Model, field: Field[Any, Any]) -> Any:
    value = getattr(self, field.attname)
    return force_str(_labels(field).get(make_hashable(value), value), strings_only=True)


def labels_now(model: type[Model], field: str) -> Mapping[Any, Any]:
    """A field's labels translated now, for the rows of one table or list: what
    `get_<field>_display()` gives each value, without translating the label again on every
    row. Unknown values show as themselves: `labels.get(value, value)`. Kept per language
    (a page's tables asked for the same ~40 translations again on every page)."""
    return _labels_in(model, field, get_language())


@cache
def _labels_in(model: type[Model], field: str, language: str | None) -> Mapping[Any, Any]:
    return MappingProxyType(
        {
            value: force_str(label, strings_only=True)
            for value, label in _labels(model._meta.get_field(field)).items()
        }
    )


T = TypeVar("T")

#: What each `per_language` function made, per language: emptied with the catalogues.
_made_per_language: list[dict[str | None, Any]] = []


def per_language(make: Callable[[], T]) -> Callable[[], T]:
    """`make()` once per process and active language, its answer given again after: the
    fixed words a table or the header writes (its headings, "Case %(number)s", "stalled").
    A gettext looks up the active language and the catalogues (~2.8 µs), and the IB's my
    work asked ~100 of them a page for the same words (issue 17). `make` calls gettext
    itself, so makemessages still finds the words."""
    made: dict[str | None, T] = {}
    _made_per_language.append(made)

    def words() -> T:
        language = get_language()
        try:
            return made[language]
        except KeyError:
            value = made[language] = make()
            return value

    return words


@receiver(setting_changed)
def _new_catalogues(setting: str, **_kwargs: Any) -> None:
    """Other languages or catalogues (tests): translate the labels again, as Django does."""
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"}:
        _labels_in.cache_clear()
        for made in _made_per_language:
            made.clear()


def _install(sender: type[Model], **kwargs: Any) -> None:
    """Replace Django's own `get_FOO_display` (not one a model defines) of each field. Not
    of the historical models a migration renders (module `__fake__`): nothing shows their
    labels, and `migrate` makes some 18,000 of them (1.9 of its 63 s under a profiler)."""
    if sender.__module__ == "__fake__":
        return
    for field in sender._meta.fields:
        name = f"get_{field.name}_display"
        method = sender.__dict__.get(name)
        if (
            isinstance(method, partialmethod)
            and method.func is Model._get_FIELD_display  # type: ignore[attr-defined]
            and not isinstance(field.choices, CallableChoiceIterator)
        ):
            setattr(sender, name, partialmethod(_display, field=method.keywords["field"]))


def connect() -> None:
    """Called when the core app's config is imported, before any model class is made."""
    class_prepared.connect(_install, dispatch_uid="kansrijk.core.choices")
