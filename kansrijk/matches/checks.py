"""`manage.py check --deploy` refuses a production without a strong match-register key."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from kansrijk.conf.keys import weakness


@register(Tags.security, deploy=True)
def match_register_key(app_configs: Any, **kwargs: Any) -> list[Error]:
    why = weakness(getattr(settings, "KANSRIJK_MATCH_REGISTER_KEY", ""))
    if why is None:
        return []
    return [
        Error(
            f"KANSRIJK_MATCH_REGISTER_KEY is too weak for production: {why}.",
            hint="python -c 'import secrets; print(secrets.token_urlsafe(50))'",
            id="matches.E001",
        )
    ]
