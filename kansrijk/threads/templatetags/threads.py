"""The thread's place on the case page and on my-work: a link with the unread count."""

from __future__ import annotations

import re
from typing import Any

from django import template

from kansrijk.threads.selectors import UNREAD_LIMIT

register = template.Library()


@register.inclusion_tag("threads/_case_link.html", takes_context=True)
def thread_link(context: dict[str, Any], case: Any) -> dict[str, Any]:
    """Only for who reads the file (the case page has checked and logged the read)."""
    from kansrijk.access.matrix import Action
    from kansrijk.access.policies import can
    from kansrijk.threads.selectors import unread_counts

    user = getattr(context.get("request"), "user", None)
    if user is None or not can(user, Action.FULL, case):
        return {"shown": False}
    return {"shown": True, "case": case, "unread": unread_counts(user, [case.pk]).get(case.pk, 0)}


#: A case thread's link, as the notices carry it (threads.services).
THREAD_URL = re.compile(r"^/cases/(\d+)/thread/$")


@register.inclusion_tag("threads/_unread.html", takes_context=True)
def unread_threads(context: dict[str, Any]) -> dict[str, Any]:
    """My-work: the case threads with notices the user has not read, from the unread
    notices the menu has already counted (core.navigation): no query of its own. Opening a
    thread marks its notices read."""
    unread: dict[str, int] = context.get("unread_by_url") or {}
    rows = []
    for url, n in unread.items():
        match = THREAD_URL.match(url or "")
        if match:
            rows.append((int(match.group(1)), n))
    return {"rows": sorted(rows, key=lambda row: (-row[1], row[0]))[:UNREAD_LIMIT]}
