"""A serving process settles before its first request: every view imported, the project's
templates compiled and the translations read, and what it loaded kept out of the garbage
collector's way.

Why (issue 17, measured in one process on a region at 0.05): Python's cyclic collector
scanned the ~180,000 objects of Django, the apps and their caches again and again: its
collections cost the agenda ~9 ms of a 70 ms page, an IB's my work ~5 ms. Frozen
(`gc.freeze`, the permanent generation) they are never scanned; the young generation is
collected every GEN0 allocations instead of 700, so a page is collected a few times, not
two hundred. Cycles are still collected; only what was loaded at the start is never freed,
as it never was."""

from __future__ import annotations

import gc
from pathlib import Path

#: Allocations between two collections of the young generation (CPython's default is 700),
#: and how many of those before the middle and the old generation are collected.
GEN0 = 10_000
GEN1 = 20
GEN2 = 20


def settle() -> None:
    """Import the URL conf (every view module), compile the templates, read the catalogues
    and freeze what the process holds. Under `gunicorn --preload` the workers then share
    them: a fresh worker's first pages compiled their templates and read the catalogues in
    the request (the first teacher's my work 100 ms of CPU, the first monitor 155 ms at
    region scale 1.0, against 5 ms warm)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    _compile_templates()
    _load_languages()
    gc.collect()
    gc.freeze()
    gc.set_threshold(GEN0, GEN1, GEN2)


def _compile_templates() -> None:
    """Every template of the project's own folders, compiled and kept by the engine's cached
    loader (production's; `DEBUG` off), and the context processors imported (the first
    page's render imported `core.navigation`). A name that two folders hold is the one a
    page gets."""
    from django.conf import settings
    from django.template import engines

    root = Path(settings.BASE_DIR) / "kansrijk"
    for engine in engines.all():
        engine.engine.template_context_processors  # type: ignore[attr-defined]  # noqa: B018
        for folder in map(Path, engine.template_dirs):
            if not folder.is_relative_to(root):
                continue
            for path in sorted(folder.rglob("*.html")):
                engine.get_template(path.relative_to(folder).as_posix())


def _load_languages() -> None:
    """What Django reads at each language's first use, read once: the translations, the
    formats of numbers and dates, the URLs to reverse (the URL conf's reverse map is made per
    language); and the translation functions a page calls looked up (Django's `translation`
    finds each in `trans_real` at its first call, connecting its reloader each time)."""
    import datetime

    from django.conf import settings
    from django.urls import reverse
    from django.utils import formats, translation

    for code, _name in settings.LANGUAGES:
        translation.check_for_language(code)
        translation.get_supported_language_variant(code)
        with translation.override(code):
            reverse("health")
            formats.localize(1234.5)
            formats.date_format(datetime.date(2026, 1, 1))
            formats.time_format(datetime.time(9, 30))
            # The code, not a literal: `makemessages` is to add nothing here.
            translation.gettext(code)
            translation.ngettext(code, code, 2)
            translation.pgettext(code, code)
            translation.npgettext(code, code, code, 2)
            translation.get_language_bidi()
            translation.get_language_info(code)
    translation.deactivate()
