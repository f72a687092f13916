"""Every page's header written in Python: the brand, who is signed in, the language switch,
logging out and the main menu.

Every page of the product renders it, and Django's template language spent ~2 ms of CPU a
page on its eighty-odd nodes (two loops, a dozen conditions, the words and URLs looked up
one by one; issue 17: a signed-in page with nothing else on it cost ~9 ms). The HTML is the
same as the template's was (`tests/core/test_layout.py` holds them equal): every value
escaped as `{{ value }}` escapes it, the words translated in the active language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.conf import settings
from django.template.defaulttags import CsrfTokenNode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from kansrijk.core.choices import per_language
from kansrijk.core.html_text import shown, text
from kansrijk.core.templatetags.urls import reverser

register = template.Library()


def _user_line(context: Any, user: Any) -> str:
    """`{{ user.get_full_name|default:user.username }}` and the roles after it."""
    name = user.get_full_name() or user.username
    roles = context.get("user_roles")
    line = text(name)
    if roles:
        line += " · " + text(", ").join(text(role) for role in roles)
    return f'\n      <span class="site-header__user">{line}</span>\n      '


@dataclass(frozen=True)
class _Words:
    """The header's words in one language, escaped (`per_language`)."""

    language: str
    switch: str
    log_out: str
    unread: str
    main_menu: str
    languages: tuple[tuple[str, str], ...]  # (code, name) of each language


@per_language
def _words() -> _Words:
    return _Words(
        language=text(gettext("Language")),
        switch=text(gettext("Switch")),
        log_out=text(gettext("Log out")),
        unread=text(gettext("unread")),
        main_menu=text(gettext("Main menu")),
        languages=tuple(
            (text(code), text(gettext(str(name)))) for code, name in settings.LANGUAGES
        ),
    )


def _languages(current: str | None, words: _Words) -> str:
    """The language select's options, each name in the active language."""
    options = []
    for code, label in words.languages:
        selected = " selected" if code == current else ""
        options.append(f'<option value="{code}"{selected}>{label}</option>')
    return "".join(options)


def _menu(nav: list[dict[str, Any]], words: _Words) -> str:
    """The main menu's items (`kansrijk.core.navigation`): a badge with the unread count."""
    unread = words.unread
    items = []
    for item in nav:
        current = ' aria-current="page"' if item["current"] else ""
        badge = item["badge"]
        count = (
            f' <span class="badge badge--p2">{shown(badge)}'
            f'<span class="visually-hidden"> {unread}</span></span>'
            if badge
            else ""
        )
        items.append(
            f'<li><a href="{text(item["url"])}"{current}>{text(item["label"])}{count}</a></li>'
        )
    return (
        f'\n    <nav class="site-nav" aria-label="{words.main_menu}">\n      <ul>\n        '
        f"{''.join(items)}\n      </ul>\n    </nav>\n    "
    )


@register.simple_tag(takes_context=True)
def site_header(context: Any) -> SafeString:
    """`{% site_header %}`: the page's `<header>`, from the context the base template has
    (the request, the user, `nav` and `user_roles` from `kansrijk.core.navigation`)."""
    user = context.get("user")
    signed_in = bool(getattr(user, "is_authenticated", False))
    request = context.get("request")
    url = reverser()
    csrf = str(CsrfTokenNode().render(context))
    here = text(request.get_full_path()) if request is not None else ""
    words = _words()
    language, switch, log_out = words.language, words.switch, words.log_out
    logout_form = (
        f'\n      <form action="{text(url("core:logout"))}" method="post">{csrf}\n'
        f'        <button type="submit" class="utrecht-button utrecht-button--secondary-action">'
        f"{log_out}</button>\n      </form>\n      "
        if signed_in
        else ""
    )
    nav = context.get("nav")
    return mark_safe(  # noqa: S308 - every value above went through `text`
        '<header class="site-header">\n    <div class="site-header__bar">\n'
        f'      <a class="site-header__brand" href="{text(url("cases:my_work"))}">Kansrijk</a>\n'
        f"      {_user_line(context, user) if signed_in else ''}\n"
        f'      <form class="site-header__language" action="{text(url("set_language"))}" '
        f'method="post">{csrf}\n'
        f'        <input type="hidden" name="next" value="{here}">\n        \n'
        f'        <label for="language-select" class="visually-hidden">{language}</label>\n'
        '        <select id="language-select" name="language" '
        'class="utrecht-select utrecht-select--html-select">\n'
        f"          {_languages(get_language(), words)}\n        </select>\n"
        f'        <button type="submit" class="utrecht-button utrecht-button--subtle">'
        f"{switch}</button>\n      </form>\n"
        f"      {logout_form}\n    </div>\n"
        f"    {_menu(nav, words) if nav else ''}\n  </header>"
    )
