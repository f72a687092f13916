"""The restore drill of docs/operations.md: dump the database with pg_dump, restore it into a
new database, verify the access log there with `audit_verify` (with the same audit key) and
serve a case page from it."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest
from django.db import connection

from kansrijk.audit.models import AccessLogEntry
from kansrijk.cases.models import Case
from tests.cases.route import advance, open_case
from tests.halves import postgres_half_only
from tests.ops.cluster import manage, postgres_bindir, python

pytestmark = [pytest.mark.postgres, postgres_half_only, pytest.mark.django_db(transaction=True)]

RESTORED = "kansrijk_restore_drill"
PAGE = """
from io import StringIO
from django.core.management import call_command
from django.test import Client
out = StringIO()
call_command("audit_verify", stdout=out)
print(out.getvalue().strip())
from kansrijk.core.models import Professional
from tests.auth import sign_in
client = sign_in(Client(), Professional.objects.get(username="ib"))
response = client.get("/cases/{case_id}/")
print(response.status_code, "{name}" in response.content.decode())
"""


def _pg(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    bindir = postgres_bindir()
    assert bindir is not None
    db = connection.settings_dict
    return subprocess.run(
        [str(bindir / tool), "-h", db["HOST"], "-p", str(db["PORT"]), "-U", db["USER"], *args],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PGPASSWORD": db["PASSWORD"] or ""},
    )


def test_a_dump_restores_into_a_new_database_that_verifies_and_serves(world, pupil) -> None:
    from kansrijk.cases.workflow import CaseState

    case = advance(world, open_case(world, pupil), CaseState.IN_SUPPORT)
    entries = AccessLogEntry.objects.count()
    assert entries > 5
    db = connection.settings_dict
    with tempfile.TemporaryDirectory() as directory:
        dump = Path(directory, "kansrijk.dump")
        _pg("pg_dump", "--format=custom", "--no-owner", f"--file={dump}", db["NAME"])
        _pg("dropdb", "--if-exists", RESTORED)
        _pg("createdb", RESTORED)
        try:
            _pg("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={RESTORED}", str(dump))
            url = (
                f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/"
                f"{RESTORED}"
            )
            verified = manage("audit_verify", database_url=url)
            assert verified.returncode == 0, verified.stderr
            assert verified.stdout.startswith(f"{entries} entries, chain intact")

            page = python(PAGE.format(case_id=case.pk, name=pupil.given_name), database_url=url)
            assert page.returncode == 0, page.stderr
            assert page.stdout.split()[-2:] == ["200", "True"]
            assert Case.objects.filter(pk=case.pk).exists()

            # A restore with another audit key does not pass for intact: keep the key with it.
            wrong_key = manage(
                "audit_verify", database_url=url, KANSRIJK_AUDIT_KEY="another-key-" + "x" * 40
            )
            assert wrong_key.returncode != 0
        finally:
            _pg("dropdb", "--if-exists", "--force", RESTORED)
