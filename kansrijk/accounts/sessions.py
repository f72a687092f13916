"""Django's database sessions, the session's row read with SQL compiled once per process.

Every request reads its session; building and compiling that ORM query cost more CPU than
running it (issue 17, kansrijk.compiled). Everything else is Django's `db` backend: the same
table, the same expiry (a row past its `expire_date` is no session), saving and clearing."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import router
from django.utils import timezone

from kansrijk.compiled import compiled

#: The stand-in for the session key in the compiled read (a real key is 32 letters/digits).
_KEY_STAND_IN = "stand-in for a session key"


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        model = self.model
        using = router.db_for_read(model)
        plan = compiled(
            ("session", model._meta.label),
            using,
            lambda key: model.objects.using(using).filter(session_key=key),
            key=_KEY_STAND_IN,
        )
        found = plan.fetch(using, key=self.session_key)
        if found and found[0].expire_date > timezone.now():
            return found[0]
        self._session_key = None
        return None
