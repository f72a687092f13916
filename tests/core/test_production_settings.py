"""Production refuses to start with a weak secret key, and `check --deploy` under the
production settings is clean but for the warnings docs/operations.md explains."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from kansrijk.conf.keys import weakness

STRONG = secrets.token_urlsafe(50)
MATCH_KEY = secrets.token_urlsafe(50)


def _production(*args: str, key: str) -> subprocess.CompletedProcess[str]:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "kansrijk.conf.production",
        "KANSRIJK_SECRET_KEY": key,
        "KANSRIJK_ALLOWED_HOSTS": "kansrijk.example.nl",
        "KANSRIJK_MATCH_REGISTER_KEY": MATCH_KEY,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings.BASE_DIR,
    )


@pytest.mark.parametrize(
    "key",
    [
        "abcde",
        "dev-only-insecure-key-change-me-in-production",
        "django-insecure-" + secrets.token_urlsafe(50),
        "x" * 80,
        "kansrijk" * 10,
        "correct horse battery staple correct horse battery staple",
    ],
    # Ids, not the keys: random keys would differ between the suite's workers.
    ids=["short", "development", "django-insecure", "one-character", "one-word", "passphrase"],
)
def test_production_refuses_a_weak_key(key: str) -> None:
    assert weakness(key) is not None
    result = _production("check", key=key)
    assert result.returncode != 0
    assert "KANSRIJK_SECRET_KEY is too weak for production" in result.stderr


@pytest.mark.parametrize(
    "key", [STRONG, secrets.token_hex(32), secrets.token_hex(25)], ids=["urlsafe", "hex64", "hex50"]
)
def test_a_generated_key_is_strong(key: str) -> None:
    assert weakness(key) is None


def test_check_deploy_is_clean_but_for_the_explained_warnings() -> None:
    result = _production("check", "--deploy", key=STRONG)
    assert result.returncode == 0, result.stderr
    remaining = set(re.findall(r"\((\w+\.[WE]\d+)\)", result.stdout + result.stderr))
    operations = Path(settings.BASE_DIR, "docs", "operations.md").read_text()
    unexplained = {code for code in remaining if code not in operations}
    assert not unexplained, result.stdout + result.stderr


def test_health_answers_over_plain_http_for_the_load_balancer() -> None:
    """Everything else redirects to HTTPS; the load balancer's probe must get an answer."""
    probe = (
        "from django.test import Client; c = Client(HTTP_HOST='kansrijk.example.nl'); "
        "print(c.get('/health').status_code, c.get('/login/').status_code)"
    )
    result = _production("shell", "-c", probe, key=STRONG)
    health, login = result.stdout.split()[-2:]
    assert health in {"200", "503"} and login == "301", result.stderr


def _database_setting(expression: str, **variables: str | None) -> str:
    """`expression` of settings.DATABASES['default'] as the test settings make it, with the
    environment's `variables` set (None: unset), in a fresh process."""
    env = {k: v for k, v in os.environ.items() if k not in variables}
    env["DJANGO_SETTINGS_MODULE"] = "kansrijk.conf.test"
    env |= {k: v for k, v in variables.items() if v is not None}
    code = (
        "import django; django.setup(); from django.conf import settings; "
        f"database = settings.DATABASES['default']; print({expression})"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
        cwd=settings.BASE_DIR,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(("value", "disabled"), [(None, "False"), ("false", "True")])
def test_server_side_cursors_are_turned_off_for_a_pooler_in_transaction_mode(
    value: str | None, disabled: str
) -> None:
    """Behind a pooler in transaction mode a streamed read's cursor must not outlive its
    transaction: KANSRIJK_DB_SERVER_SIDE_CURSORS=false sets Django's switch (operations.md)."""
    shown = _database_setting(
        "database.get('DISABLE_SERVER_SIDE_CURSORS', False)",
        KANSRIJK_DB_SERVER_SIDE_CURSORS=value,
    )
    assert shown == disabled


@pytest.mark.parametrize(
    ("value", "options"),
    [(None, "-c max_parallel_workers_per_gather=0"), ("2", "-c max_parallel_workers_per_gather=2"),
     ("-1", "None")],
)  # fmt: skip
def test_postgresql_connections_start_no_parallel_workers_unless_told(
    value: str | None, options: str
) -> None:
    """KANSRIJK_DB_PARALLEL_WORKERS: 0 by default, sent as the connection's `options`;
    negative leaves the server's setting (a pooler that refuses `options`, operations.md)."""
    shown = _database_setting(
        "database.get('OPTIONS', {}).get('options')",
        DATABASE_URL="postgres://kansrijk@localhost:5432/kansrijk",
        KANSRIJK_DB_PARALLEL_WORKERS=value,
    )
    assert shown == options
