"""The thread's place on the case page and on my-work: a link with the unread count."""

from __future__ import annotations

from typing import Any

from django import template

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


@register.inclusion_tag("threads/_unread.html", takes_context=True)
def unread_threads(context: dict[str, Any]) -> dict[str, Any]:
    """My-work: the cases whose thread has news for the user (bounded), logged as a list."""
    from kansrijk.audit.models import Event
    from kansrijk.audit.services import log_access
    from kansrijk.threads.selectors import unread_threads as unread

    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return {"rows": []}
    rows = unread(user)
    if rows:
        log_access(
            by=user,
            event=Event.LIST,
            purpose="my work: support team threads",
            detail="cases " + ",".join(str(case.pk) for case, _n in rows),
        )
    return {"rows": rows}
