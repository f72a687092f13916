"""The test databases: migrated once per run, then cloned for every xdist worker.

Migrating costs ~45 s of one core (72 migrations; Django renders the model states over and
over). When every worker migrated its own database, three workers on two cores each paid
~160 s before their first test, on SQLite and again on PostgreSQL. Now the first worker to
take the lock migrates a template, and every worker clones it: on PostgreSQL with
`CREATE DATABASE … TEMPLATE` (Django's own clone for `manage.py test --parallel`), on SQLite
by copying the template file into the worker's in-memory database (SQLite's backup API, as
Django's parallel runner does). Without xdist the one database is created as Django does.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connections

READY = "template-ready"
#: The template each alias was cloned from in this process (alias → name).
TEMPLATES: dict[str, str] = {}


@contextmanager
def _locked(shared: Path) -> Iterator[None]:
    with (shared / "template.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _aliases() -> list[str]:
    """The databases that get a database of their own (a mirror reads its primary's)."""
    return [alias for alias in settings.DATABASES if not _mirror(alias)]


def _mirror(alias: str) -> str | None:
    mirror: str | None = connections[alias].settings_dict["TEST"].get("MIRROR")
    return mirror


def _template_name(alias: str, shared: Path) -> str:
    connection = connections[alias]
    if connection.vendor == "sqlite":
        return str(shared / f"template_{alias}.sqlite3")
    return str(connection.creation._get_test_db_name())  # type: ignore[attr-defined]


def _create_templates(shared: Path, verbosity: int) -> None:
    for alias in _aliases():
        connection = connections[alias]
        original = connection.settings_dict["NAME"]
        if connection.vendor == "sqlite":
            connection.settings_dict["TEST"]["NAME"] = _template_name(alias, shared)
        connection.creation.create_test_db(verbosity, autoclobber=True, serialize=False)
        connection.close()  # PostgreSQL copies a template nobody is connected to
        connection.settings_dict["NAME"] = original


def _clone(alias: str, worker: str, shared: Path, verbosity: int) -> None:
    connection = connections[alias]
    template = _template_name(alias, shared)
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = f"file:memorydb_{alias}?mode=memory&cache=shared"
        connection.ensure_connection()
        source = sqlite3.connect(template)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    TEMPLATES[alias] = template
    connection.settings_dict["NAME"] = template
    connection.creation.clone_test_db(suffix=worker, verbosity=verbosity, autoclobber=True)
    connection.settings_dict["NAME"] = f"{template}_{worker}"


def setup(worker: str, shared: Path, verbosity: int) -> dict[str, str]:
    """Give this process its test databases; answer each alias's original name."""
    originals = {alias: connections[alias].settings_dict["NAME"] for alias in settings.DATABASES}
    if worker == "master":  # one process: the one database, as Django makes it
        for alias in _aliases():
            connections[alias].creation.create_test_db(verbosity, autoclobber=True, serialize=False)
    else:
        with _locked(shared):
            if not (shared / READY).exists():
                _create_templates(shared, verbosity)
                (shared / READY).write_text("\n".join(_aliases()))
            for alias in _aliases():
                _clone(alias, worker, shared, verbosity)
    for alias in settings.DATABASES:
        primary = _mirror(alias)
        if primary:
            connections[alias].creation.set_as_test_mirror(connections[primary].settings_dict)
    return originals


def teardown(worker: str, shared: Path, originals: dict[str, str], verbosity: int) -> list[str]:
    """Drop this process's databases; the last worker out drops the PostgreSQL templates
    (SQLite's is a file in the run's temporary directory). Answers what could not be
    dropped (a session still open on it)."""
    problems = [
        problem
        for alias in _aliases()
        if (
            problem := _drop(
                alias, connections[alias].settings_dict["NAME"], originals[alias], verbosity
            )
        )
    ]
    if worker == "master":
        return problems
    with _locked(shared):
        with (shared / "workers-done").open("a") as done:
            done.write(worker + "\n")
        finished = len((shared / "workers-done").read_text().split())
        if finished == int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "0")):
            for alias in (shared / READY).read_text().split():
                if connections[alias].vendor != "sqlite":
                    original = connections[alias].settings_dict["NAME"]
                    problem = _drop(alias, _template_name(alias, shared), original, verbosity)
                    problems += [problem] if problem else []
    return problems


def _drop(alias: str, name: str, original: str, verbosity: int) -> str | None:
    connection = connections[alias]
    connection.settings_dict["NAME"] = name
    try:
        connection.creation.destroy_test_db(original, verbosity)
    except Exception as exc:  # a session still open on it
        connection.settings_dict["NAME"] = original
        return f"{name}: {exc!r}"
    return None


def template_dump(shared: Path, pg_dump: Path) -> Path | None:
    """A plain SQL dump of the migrated PostgreSQL template, made once per run: what
    `migrate` makes, for the operations tests' clusters of their own to load in a second
    instead of migrating for ~50 s. None without a template (SQLite, no xdist)."""
    name = TEMPLATES.get("default")
    if name is None:
        return None
    dump = shared / "template.sql"
    # Workers clone the template under this lock: nobody copies it while pg_dump reads it.
    with _locked(shared):
        if not dump.exists():
            db = connections["default"].settings_dict
            part = dump.with_suffix(".part")
            subprocess.run(
                [str(pg_dump), "-h", db["HOST"] or "localhost", "-p", str(db["PORT"] or 5432),
                 "-U", db["USER"], "--no-owner", "--no-privileges", "-f", str(part), name],
                env={**os.environ, "PGPASSWORD": db["PASSWORD"] or ""},
                check=True, capture_output=True, timeout=120,
            )  # fmt: skip
            part.rename(dump)
    return dump
