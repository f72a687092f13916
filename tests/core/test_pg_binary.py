"""The lists' rows read in PostgreSQL's binary format (kansrijk.pg_binary): every type the
models store reads as the same Python value, of the same type, as Django reads it in the
text format, the three Django reads as text (jsonb, inet, cidr) included; and a compiled
list of access-log entries (an inet, a jsonb, moments) is the ORM's, field by field."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from kansrijk.compiled import fetch
from kansrijk.pg_binary import read_binary

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's formats"),
]

VALUES = [
    ("42", "smallint"),
    ("2147483647", "integer"),
    ("-9223372036854775808", "bigint"),
    ("true", "boolean"),
    ("Jaïr 'ć' ∑ 𝄞", "text"),
    ("de Vries", "varchar(40)"),
    ("2026-12-05", "date"),
    ("2026-12-05 21:13:01.441280+00", "timestamptz"),
    ("2026-03-29 02:30:00+02", "timestamptz"),
    ("0001-01-01 00:00:00+00", "timestamptz"),
    ("12.50", "numeric(6,2)"),
    ("NaN", "numeric"),
    ("9fc6bd3e-5df4-4b45-8f5c-0f2a4fd0a8a1", "uuid"),
    ('{"b": [1, 2.5, null], "a": "é"}', "jsonb"),
    ("[]", "jsonb"),
    ('"tekst"', "jsonb"),
    ("192.0.2.1", "inet"),
    ("192.0.2.1/24", "inet"),
    ("2001:db8::1", "inet"),
    ("2001:db8::/32", "inet"),
    ("192.0.2.0/24", "cidr"),
    ("\\x00ff10", "bytea"),
    ("1 day 02:03:04.5", "interval"),
    ("{1,2,3}", "bigint[]"),
    ('{a,NULL,"b c"}', "text[]"),
    (None, "timestamptz"),
    (None, "jsonb"),
    (None, "inet"),
]


def _read(binary: bool, text: str | None, kind: str) -> Any:
    with connection.cursor() as cursor:
        if binary:
            read_binary(cursor)
        cursor.execute(f"SELECT %s::{kind}", [text])
        return cursor.fetchone()[0]


@pytest.mark.parametrize(("text", "kind"), VALUES)
def test_a_value_reads_alike_in_either_format(text: str | None, kind: str) -> None:
    as_text, as_binary = _read(False, text, kind), _read(True, text, kind)
    if as_text != as_text:  # NaN is not equal to itself
        assert str(as_text) == str(as_binary)
    else:
        assert as_binary == as_text
    assert type(as_binary) is type(as_text)
    if hasattr(as_text, "tzinfo"):
        assert as_binary.tzinfo is as_text.tzinfo


def test_the_format_is_the_cursors_own() -> None:
    """A cursor read in binary does not change how the next cursor reads."""
    assert _read(True, "192.0.2.1", "inet") == "192.0.2.1"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1::int")
        assert cursor.cursor.format == 0  # psycopg's TEXT


def test_a_compiled_list_reads_what_the_orm_reads() -> None:
    from kansrijk.audit.models import AccessLogEntry, Event

    ids = [
        AccessLogEntry.objects.create(
            event=Event.values[0], username=f"tester{n}", role="IB",
            organisation="School", source_address=("192.0.2.7", "2001:db8::9", None)[n],
            case_id=(7, None, 2**40)[n], detail="Jaïr ∑",
        ).id
        for n in range(3)
    ]  # fmt: skip
    orm = {e.id: e for e in AccessLogEntry.objects.filter(id__in=ids)}
    compiled = fetch(
        ("test pg_binary entries",), "default",
        lambda first: AccessLogEntry.objects.filter(id__gte=first).order_by("id"),
        first=min(ids),
    )  # fmt: skip
    assert [e.id for e in compiled] == sorted(ids)
    for entry in compiled:
        theirs = orm[entry.id]
        for field in AccessLogEntry._meta.concrete_fields:
            name = field.attname
            assert getattr(entry, name) == getattr(theirs, name), name
            assert type(getattr(entry, name)) is type(getattr(theirs, name)), name
