"""Sign-in bookkeeping: the session clocks start at login, and lockouts go into the access log."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from kansrijk.accounts import session_clock
from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access

LOCKED_OUT_DETAIL = "locked out after repeated failures"


@receiver(user_logged_in)
def _start_session_clock(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        session_clock.start(session)


@receiver(user_locked_out)
def _locked_out(
    sender: Any, request: Any = None, username: str | None = None, **kwargs: Any
) -> None:
    """Every attempt that meets a lock is one entry, so the officer sees an attack go on."""
    log_access(
        by=None,
        event=Event.LOGIN_FAILED,
        purpose="authentication",
        username=(username or "")[:150],
        detail=LOCKED_OUT_DETAIL,
    )
