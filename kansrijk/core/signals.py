"""Login successes and failures go into the access log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    log_access(by=user, event=Event.LOGIN, purpose="authentication")


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        log_access(by=user, event=Event.LOGOUT, purpose="authentication")


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    log_access(
        by=None,
        event=Event.LOGIN_FAILED,
        purpose="authentication",
        username=str(credentials.get("username", ""))[:150],
    )
