"""The match register on the case page: which other organisations are involved with the case's
children (for whoever reads the full file), and the family specialist's district-team check."""

from __future__ import annotations

from typing import Any

from django import template

from kansrijk.matches.selectors import others_involved

register = template.Library()


@register.inclusion_tag("matches/_case_matches.html", takes_context=True)
def case_matches(context: dict[str, Any], case: Any) -> dict[str, Any]:
    """Only with the full file: the case page decides who sees it and logs the read."""
    if not context.get("full"):
        return {"known": None}
    children = context.get("children") or []
    return {"known": others_involved(children, case_id=case.pk)}


@register.inclusion_tag("matches/_district_team_check.html", takes_context=True)
def district_team_known(context: dict[str, Any], case: Any) -> dict[str, Any]:
    """Next to the district-team check: the district team's own registration, if any."""
    children = context.get("children") or []
    return {"known": others_involved(children, case_id=case.pk, district_team_only=True)}
