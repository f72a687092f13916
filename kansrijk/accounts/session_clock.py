"""The two clocks of a signed-in session: when it started and when it was last used.

Kept as epoch seconds in the session itself, so any app server can enforce them (the app is
stateless; sessions live in the database)."""

from __future__ import annotations

import time
from typing import Any

STARTED_KEY = "kansrijk_session_started"
LAST_ACTIVITY_KEY = "kansrijk_last_activity"


def start(session: Any, now: float | None = None) -> None:
    """Both clocks start at sign-in."""
    moment = time.time() if now is None else now
    session[STARTED_KEY] = moment
    session[LAST_ACTIVITY_KEY] = moment
