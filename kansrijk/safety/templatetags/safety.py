"""`{% meldcode_panel case as panel %}`: what the case page shows of the meldcode, read here
because the case page's view belongs to the cases app (one include line there)."""

from __future__ import annotations

from typing import Any

from django import template

from kansrijk.safety import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def meldcode_panel(context: dict[str, Any], case: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or case is None:
        return {}
    from kansrijk.safety.views import meldcode_rows

    meldcode = selectors.meldcode_of(case)
    may_work = bool(selectors.worker_roles(user, case)) and case.is_open
    return {
        "meldcode": meldcode,
        "rows": meldcode_rows(meldcode) if meldcode else [],
        "may_work": may_work,
        "readable": may_work or selectors.may_read_meldcode(user, case),
    }
