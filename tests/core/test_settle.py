"""A serving process settles before its first request (`kansrijk.core.settle`): its own
templates compiled and kept, each language's catalogue read, so that no worker's first pages
pay for them."""

from __future__ import annotations

from django.template import engines
from django.utils.translation import trans_real

from kansrijk.core import settle


def test_the_projects_templates_are_compiled_before_the_first_page() -> None:
    (loader,) = engines["django"].engine.template_loaders  # production's cached loader
    loader.reset()
    settle._compile_templates()
    kept = set(loader.get_template_cache)
    assert {"base.html", "cases/my_work.html", "django/forms/widgets/select.html"} <= kept


def test_each_languages_catalogue_formats_and_urls_are_read_before_the_first_page() -> None:
    from django.urls import get_resolver
    from django.utils import formats

    trans_real._translations.clear()
    formats._format_cache.clear()
    resolver = get_resolver()
    resolver._reverse_dict.clear()
    settle._load_languages()
    assert {"nl", "en"} <= set(trans_real._translations)
    assert {language for _name, language in formats._format_cache} >= {"nl", "en"}
    assert {"nl", "en"} <= set(resolver._reverse_dict)
