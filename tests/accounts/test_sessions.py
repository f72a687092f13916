"""The session store (kansrijk.accounts.sessions): Django's database sessions, the row read with
compiled SQL — the same data back in one query, and an expired or unknown session is none."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kansrijk.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_it_is_the_configured_engine() -> None:
    assert settings.SESSION_ENGINE == "kansrijk.accounts.sessions"


def test_a_saved_session_is_read_back_in_one_query() -> None:
    session = SessionStore()
    session["kansrijk_last_activity"] = 1234.5
    session["name"] = "Fenna"
    session.save()
    again = SessionStore(session_key=session.session_key)
    with CaptureQueriesContext(connection) as queries:
        assert again["name"] == "Fenna" and again["kansrijk_last_activity"] == 1234.5
    assert len(queries) == 1
    assert again.session_key == session.session_key


def test_an_expired_or_unknown_session_is_no_session() -> None:
    session = SessionStore()
    session["name"] = "Fenna"
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    expired = SessionStore(session_key=session.session_key)
    assert expired.load() == {} and expired.session_key is None
    unknown = SessionStore(session_key="x" * 32)
    assert unknown.load() == {} and unknown.session_key is None
    assert "name" not in SessionStore(session_key=session.session_key)
