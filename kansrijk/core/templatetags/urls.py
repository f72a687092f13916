"""Django's `url` tag, remembered per process (a template builtin: TEMPLATES in conf/base.py).

A list page links every row (`{% url 'cases:case_detail' case.pk %}`): the IB's my work
reverses ~200 URLs, and Django's `reverse()` walks the resolver and quotes the result anew
each time (~30 µs, a tenth of the page's rendering; issue 17). The URL of a view name and its
arguments is the same for every request of a process as long as the URLconf, the script
prefix and the language are, so it is kept per those (bounded). Only text and integer
arguments are remembered: an object's URL is built from `str(object)`, which may change.
Where every argument is a whole number (a case's id), the URL is kept once per view name and
the number and names of its arguments, cut where they go (`_cut`), and filled in per call:
kept per value, a region's ids were more than a process keeps, and a new user's lists
reversed most of their links anew (~150 on an IB's first my work).
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
#: What a URL depends on besides the view name and arguments: the current app, the URLconf,
#: the script prefix and the language.
Where = tuple[str | None, str, str, str | None]


@lru_cache(maxsize=8192)
def _reverse(
    view_name: str,
    args: tuple[int | str, ...],
    kwargs: tuple[tuple[str, int | str], ...],
    where: Where,
) -> str:
    """Django's answer for the key's script prefix and language, made active for the call
    if another is (a `reverser` used after its request's context changed): a URL remembered
    under a key is always the one of that key."""
    current_app, urlconf, prefix, language = where
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


#: Stand-ins for whole-number arguments (the n-th is _MARK + n): 15 digits that no URL of
#: the project holds otherwise; a URL where one is not found exactly once is not cut.
_MARK = 987_654_321_987_600


@lru_cache(maxsize=1024)
def _cut(
    view_name: str,
    count: int,
    names: tuple[str, ...],
    where: Where,
) -> tuple[tuple[str, ...], tuple[int, ...]] | None:
    """The URL of `count` whole-number arguments and whole-number keyword arguments `names`
    (in that order) as its text between them and which argument goes in each gap; None where
    Django reverses no such URL for the stand-ins or a stand-in is not found once. An integer
    is its own URL part (Django's `int` and `path` converters give `str(value)`; the project
    registers no converter of its own), so the cut URL filled in is Django's answer."""
    marks = [_MARK + i for i in range(count + len(names))]
    try:
        url = _reverse(
            view_name, tuple(marks[:count]), tuple(zip(names, marks[count:], strict=True)), where
        )
    except NoReverseMatch:
        return None
    found = []
    for index, mark in enumerate(marks):
        text = str(mark)
        if url.count(text) != 1:
            return None
        found.append((url.index(text), index))
    found.sort()
    parts, order, start = [], [], 0
    for at, index in found:
        parts.append(url[start:at])
        order.append(index)
        start = at + len(str(_MARK))
    parts.append(url[start:])
    return tuple(parts), tuple(order)


def _filled(cut: tuple[tuple[str, ...], tuple[int, ...]], values: tuple[int, ...]) -> str:
    parts, order = cut
    pieces = [parts[0]]
    for part, index in zip(parts[1:], order, strict=True):
        pieces += (str(values[index]), part)
    return "".join(pieces)


def _whole(values: tuple[Any, ...]) -> bool:
    """Whether every value is a whole number a route's `int` converter takes (not a bool)."""
    return all(type(value) is int and value >= 0 for value in values)


def _remembered(
    view_name: str,
    args: tuple[int | str, ...],
    kwargs: tuple[tuple[str, int | str], ...],
    where: Where,
) -> str:
    """`_reverse`, through the cut URL where every argument is a whole number."""
    values = (*args, *(value for _name, value in kwargs))
    if values and _whole(values):
        names = tuple(name for name, _value in kwargs)
        cut = _cut(view_name, len(args), names, where)
        if cut is not None:
            return _filled(cut, values)  # type: ignore[arg-type]
    return _reverse(view_name, args, kwargs, where)


def remembered_reverse(
    view_name: str,
    *args: int | str,
    kwargs: dict[str, int | str] | None = None,
    current_app: str | None = None,
) -> str:
    """`reverse()` remembered per view name, arguments, current app and what else its answer
    depends on (the URLconf, the script prefix, the language): the tag below, and rows that
    Python writes (kansrijk/cases/templatetags/case_tables.py)."""
    kwargs_items = tuple(sorted((kwargs or {}).items()))
    return _remembered(view_name, args, kwargs_items, _where(current_app))


def reverser(current_app: str | None = None) -> Callable[..., str]:
    """`remembered_reverse` for the rows of one table: what its answer depends on (the
    URLconf, the script prefix, the language) read once, not per row (three context-local
    lookups each, ~600 on a list page; issue 17)."""
    where = _where(current_app)

    def url(view_name: str, *args: int | str) -> str:
        return _remembered(view_name, args, (), where)

    return url


def _where(current_app: str | None) -> Where:
    return current_app, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language()


@receiver(setting_changed)
def _forget(*, setting: str, **_: Any) -> None:
    """Tests that swap the URLconf or the languages see their own URLs."""
    if setting in {"ROOT_URLCONF", "LANGUAGE_CODE", "LANGUAGES", "FORCE_SCRIPT_NAME"}:
        _reverse.cache_clear()
        _cut.cache_clear()


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
