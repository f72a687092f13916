"""The authentication backend that reads a signed-in professional from the row the second
factor's device brought along (see middleware.VerifiedUserMiddleware)."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.contrib.auth.backends import ModelBackend

#: The user joined to the session's second-factor device, while the request's user is read.
DEVICE_USER: ContextVar[Any] = ContextVar("kansrijk_device_user", default=None)


class SessionUserBackend(ModelBackend):
    """Django's ModelBackend; a session's user is taken from the device's join when it is
    that user (one query a page less), else read by id as usual. Django's get_user still
    checks the session's hash against the password and `user_can_authenticate` (active)."""

    def get_user(self, user_id: Any) -> Any:
        joined = DEVICE_USER.get()
        if joined is not None and joined.pk == user_id:
            return joined if self.user_can_authenticate(joined) else None
        return super().get_user(user_id)
