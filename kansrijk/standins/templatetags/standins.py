"""Stand-ins on the case page ("away until …, stand-in X") and on the stand-in's my-work."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("standins/_case_covers.html")
def case_covers(case: Any) -> dict[str, Any]:
    """Staff data only: shown to whoever sees the case page."""
    from kansrijk.standins.selectors import covers_on_case

    return {"covers": covers_on_case(case)}


@register.inclusion_tag("standins/_my_covers.html", takes_context=True)
def my_covers(context: dict[str, Any]) -> dict[str, Any]:
    """The cases and open actions the user holds as stand-in today (bounded, logged)."""
    from kansrijk.audit.paging import log_ids
    from kansrijk.standins.selectors import (
        CASES_LIMIT,
        actions_covered_by,
        cases_covered_by,
        covering_roles,
    )

    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated or not covering_roles(user):
        return {"cases": []}  # no stand-in today: no query to build
    cases = list(cases_covered_by(user)[:CASES_LIMIT])
    if not cases:
        return {"cases": []}
    log_ids([c.pk for c in cases], by=user, purpose="my work: stand-in", opening="cases ")
    return {"cases": cases, "actions": list(actions_covered_by(user, cases)[:CASES_LIMIT])}
