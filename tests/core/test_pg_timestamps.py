"""PostgreSQL's timestamps read with Python's C parser (kansrijk.core.pg_timestamps): every
value the same moment with the same time zone object as Django's own loader gives, in any
time zone and DateStyle of the connection, and what that parser refuses read by Django's
loader."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from psycopg.postgres import types
from psycopg.pq import Format

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's loaders"),
]

MOMENTS = [
    "2026-12-03 09:13:01.441280+00",
    "2026-12-03 09:13:01+00",
    "2026-12-03 09:13:01.4+00",
    "2026-03-29 02:30:00+02",
    "1901-12-03 09:13:01+00:19:32",
    "2026-12-03 09:13:01.000001-09:30",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
    "0044-03-15 12:00:00+00 BC",
    "infinity",
    "-infinity",
]


def _read(cursor: Any, text: str) -> tuple[str, Any]:
    try:
        cursor.execute("SELECT %s::timestamptz", [text])
        value = cursor.fetchone()[0]
    except Exception as error:  # the same failure is part of the answer
        return ("error", type(error).__name__)
    return ("value", (value, value.tzinfo, value.utcoffset()))


def _django_loader(cursor: Any) -> None:
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    register_tzloader(connection.timezone, cursor.cursor)


@pytest.mark.parametrize("zone", ["UTC", "Europe/Amsterdam", "America/St_Johns"])
@pytest.mark.parametrize("datestyle", ["ISO, DMY", "SQL, DMY", "Postgres, MDY", "German"])
def test_every_moment_is_read_as_djangos_loader_reads_it(zone: str, datestyle: str) -> None:
    connection.ensure_connection()
    oid = types["timestamptz"].oid
    loader = connection.connection.adapters.get_loader(oid, Format.TEXT)
    assert loader.__name__ == "IsoTzLoader" and loader.timezone == connection.timezone
    with connection.cursor() as cursor:
        cursor.execute(f"SET TIME ZONE '{zone}'")
        cursor.execute(f"SET DateStyle = '{datestyle}'")
    try:
        for text in MOMENTS:
            with connection.cursor() as ours, connection.cursor() as django:
                _django_loader(django)
                assert _read(ours, text) == _read(django, text), text
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
            cursor.execute("RESET DateStyle")
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz", [MOMENTS[0]])
        assert cursor.fetchone()[0].isoformat() == "2026-12-03T09:13:01.441280+00:00"
