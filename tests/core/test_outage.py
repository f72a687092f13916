"""While the database is down: Dutch 503 pages with a way back, problem+json from the API and
503 from /health — also for a request that carries a session cookie (the session is read from
the database before any view runs). A real process, pointed at a PostgreSQL port where nothing
listens; tests/ops/test_postgres_restart.py does the same against a stopped real cluster."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="nl")
client.cookies["sessionid"] = "a-session-of-before-the-outage"
answers = {}
for method, url in [("get", "/health"), ("get", "/cases/"), ("get", "/api/cases"),
                    ("post", "/signals/new/"), ("post", "/api/signals"), ("get", "/login/")]:
    response = getattr(client, method)(url)
    answers[method + " " + url] = [response.status_code, response.get("Content-Type", ""),
                                   response.get("Retry-After", ""), response.content.decode()]
print(json.dumps(answers))
"""


def _while_the_database_is_down() -> dict[str, list]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://nobody@127.0.0.1:{port}/none",
        "DJANGO_SETTINGS_MODULE": "kansrijk.conf.test",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_every_kind_of_answer_says_503_in_its_own_form():
    answers = _while_the_database_is_down()
    status, content_type, retry, body = answers["get /health"]
    assert (status, content_type, json.loads(body)) == (
        503,
        "application/json",
        {"status": "unavailable", "database": "down"},
    )
    for page in ("get /cases/", "post /signals/new/", "get /login/"):
        status, content_type, retry, body = answers[page]
        assert status == 503, page
        assert content_type.startswith("text/html")
        assert retry == "30"
        assert "Kansrijk is tijdelijk niet beschikbaar" in body
        assert "niet opgeslagen" in body
        assert 'href="/"' in body  # a way back
        assert "Server Error" not in body
    for operation in ("get /api/cases", "post /api/signals"):
        status, content_type, retry, body = answers[operation]
        assert (status, content_type, retry) == (503, "application/problem+json", "30"), operation
        problem = json.loads(body)
        assert problem["status"] == 503
        assert problem["title"] == "Tijdelijk niet beschikbaar"


def test_any_other_failure_is_a_dutch_500_page_and_an_api_problem(rf):
    from django.utils import translation

    from kansrijk.core.outage import server_error

    with translation.override("nl"):
        try:
            raise RuntimeError("a bug")
        except RuntimeError:
            page = server_error(rf.get("/cases/"))
            api = server_error(rf.get("/api/cases"))
    assert page.status_code == 500 and "Retry-After" not in page
    assert "Er ging iets mis" in page.content.decode()
    assert 'href="/"' in page.content.decode()
    assert (api.status_code, api["Content-Type"]) == (500, "application/problem+json")


def test_a_broken_constraint_is_our_bug_not_an_outage():
    """A lost connection or a deadlock is temporary (503, try again); a broken constraint or a
    refused value is a bug of ours (500): "database down" would send the user away to wait."""
    from django.db import DatabaseError, DataError, IntegrityError, OperationalError

    from kansrijk.core.outage import is_outage

    assert is_outage(OperationalError("server closed the connection unexpectedly"))
    assert is_outage(DatabaseError("deadlock detected"))
    assert not is_outage(IntegrityError('duplicate key value violates "one_open_case_per_family"'))
    assert not is_outage(DataError("value too long for type character varying(9)"))
    assert not is_outage(ValueError("not the database's"))
