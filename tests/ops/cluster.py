"""A throw-away PostgreSQL cluster of a test's own, which the test may stop and start (the
suite's shared cluster must stay up). Made the way scripts/with_postgres.sh makes its own."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings


def postgres_bindir() -> Path | None:
    pg_config = shutil.which("pg_config")
    if pg_config:
        bindir = Path(subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
                      .stdout.strip())  # fmt: skip
        if (bindir / "initdb").exists():
            return bindir
    for found in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(found, "initdb").exists():
            return Path(found)
    return None


def _as_owner() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []


@dataclass
class Cluster:
    bindir: Path
    directory: Path
    port: int

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            [*_as_owner(), str(self.bindir / "pg_ctl"), "-D", str(self.directory / "data"), *args],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        self._ctl(
            "-l", str(self.directory / "log"), "-w", "start", "-o",
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off",
        )  # fmt: skip

    def stop(self) -> None:
        self._ctl("-m", "fast", "-w", "stop")

    def url(self, database: str = "kansrijk") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def run(self, tool: str, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bindir / tool), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             *args],
            check=True, capture_output=True, text=True, timeout=120, **kwargs,  # type: ignore[arg-type]
        )  # fmt: skip


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip("no PostgreSQL binaries (make test-postgres installs them)")
    directory = Path(tempfile.mkdtemp(prefix="kansrijk-pg-test."))
    if os.getuid() == 0:
        shutil.chown(directory, "postgres")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    subprocess.run(
        [*_as_owner(), str(bindir / "initdb"), "-D", str(directory / "data"), "-U", "postgres",
         "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    found = Cluster(bindir=bindir, directory=directory, port=port)
    found.start()
    try:
        found.run("createdb", "kansrijk")
        yield found
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            found._ctl("-m", "immediate", "stop")
        shutil.rmtree(directory, ignore_errors=True)


def manage(
    *args: str, database_url: str, settings_module: str = "kansrijk.conf.test", **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env={**_environment(database_url, settings_module), **env},
        capture_output=True,
        text=True,
        timeout=300,
        cwd=settings.BASE_DIR,
    )


def _environment(database_url: str, settings_module: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": settings_module,
    }


def python(
    code: str, *, database_url: str, settings_module: str = "kansrijk.conf.test", **env: str
) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh process with Django set up against `database_url`."""
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        env={**_environment(database_url, settings_module), **env},
        capture_output=True,
        text=True,
        timeout=300,
        cwd=settings.BASE_DIR,
    )


@pytest.fixture
def migrated_cluster(
    cluster: Cluster, django_db_setup: None, tmp_path_factory: pytest.TempPathFactory
) -> Cluster:
    """`cluster` with its database as `migrate` leaves it: the suite's migrated template
    (tests/databases.py; `django_db_setup` makes it) loaded from a dump in a second, else
    migrated here (~50 s; a run without xdist has no template)."""
    from tests.databases import template_dump

    shared = tmp_path_factory.getbasetemp().parent  # as tests/conftest.py's django_db_setup
    dump = template_dump(shared, cluster.bindir / "pg_dump")
    if dump is not None:
        cluster.run("psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", "kansrijk", "-f", str(dump))
    else:
        done = manage("migrate", "--noinput", database_url=cluster.url())
        assert done.returncode == 0, done.stderr
    return cluster
