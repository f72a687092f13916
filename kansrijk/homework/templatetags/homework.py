"""The family specialist's way to homework support from My work (no query: roles are read
once per request)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("homework/_my_work_link.html", takes_context=True)
def homework_link(context: dict[str, Any]) -> dict[str, Any]:
    from kansrijk.access.policies import roles_of
    from kansrijk.access.roles import Role

    user = getattr(context.get("request"), "user", None)
    shown = user is not None and Role.FAMILY_SPECIALIST in roles_of(user)
    return {"shown": shown}
