"""Django's `url` tag, remembered per process (a template builtin: TEMPLATES in conf/base.py).

A list page links every row (`{% url 'cases:case_detail' case.pk %}`): the IB's my work
reverses ~200 URLs, and Django's `reverse()` walks the resolver and quotes the result anew
each time (~30 µs, a tenth of the page's rendering; issue 17). The URL of a view name and its
arguments is the same for every request of a process as long as the URLconf, the script
prefix and the language are, so it is kept per those (bounded). Only text and integer
arguments are remembered: an object's URL is built from `str(object)`, which may change.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaulttags
from django.template.base import Parser, Token
from django.template.context import Context
from django.urls import (
    NoReverseMatch,
    get_script_prefix,
    get_urlconf,
    reverse,
    set_script_prefix,
)
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()

#: Argument types whose text is their URL part for good (exactly these: not bool, not objects).
_PLAIN = (int, str)


@lru_cache(maxsize=8192)
def _reverse(
    view_name: str,
    args: tuple[int | str, ...],
    kwargs: tuple[tuple[str, int | str], ...],
    current_app: str | None,
    urlconf: str,
    prefix: str,
    language: str | None,
) -> str:
    """Django's answer for the key's script prefix and language, made active for the call
    if another is (a `reverser` used after its request's context changed): a URL remembered
    under a key is always the one of that key."""
    kept = get_script_prefix()
    if kept != prefix:
        set_script_prefix(prefix)
    try:
        with translation.override(language, deactivate=False):
            return reverse(
                view_name, urlconf, args=args, kwargs=dict(kwargs), current_app=current_app
            )
    finally:
        if kept != prefix:
            set_script_prefix(kept)


def remembered_reverse(
    view_name: str,
    *args: int | str,
    kwargs: dict[str, int | str] | None = None,
    current_app: str | None = None,
) -> str:
    """`reverse()` remembered per view name, arguments, current app and what else its answer
    depends on (the URLconf, the script prefix, the language): the tag below, and rows that
    Python writes (kansrijk/cases/templatetags/case_tables.py)."""
    return _reverse(
        view_name,
        args,
        tuple(sorted((kwargs or {}).items())),
        current_app,
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
        get_language(),
    )


def reverser(current_app: str | None = None) -> Callable[..., str]:
    """`remembered_reverse` for the rows of one table: what its answer depends on (the
    URLconf, the script prefix, the language) read once, not per row (three context-local
    lookups each, ~600 on a list page; issue 17)."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    prefix = get_script_prefix()
    language = get_language()

    def url(view_name: str, *args: int | str) -> str:
        return _reverse(view_name, args, (), current_app, urlconf, prefix, language)

    return url


@receiver(setting_changed)
def _forget(*, setting: str, **_: Any) -> None:
    """Tests that swap the URLconf or the languages see their own URLs."""
    if setting in {"ROOT_URLCONF", "LANGUAGE_CODE", "LANGUAGES", "FORCE_SCRIPT_NAME"}:
        _reverse.cache_clear()


class RememberedURLNode(defaulttags.URLNode):
    """`{% url %}` with the same arguments and errors as Django's, its result remembered."""

    def render(self, context: Context) -> str:
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        url = ""
        try:
            if isinstance(view_name, str) and all(
                type(v) in _PLAIN for v in (*args, *kwargs.values())
            ):
                url = remembered_reverse(view_name, *args, kwargs=kwargs, current_app=current_app)
            else:
                url = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: Parser, token: Token) -> RememberedURLNode:
    """Parsed as Django's own tag (same syntax and errors), rendered by the node above."""
    node = defaulttags.url(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
