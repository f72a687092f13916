"""The lists' rows read in PostgreSQL's binary format (issue 17).

A list page reads hundreds of rows through `kansrijk.compiled` and `kansrijk.plans`; in the
text format psycopg parses every number and moment from its text, in the binary format its
C loaders copy them (a moment is eight bytes): 2.3 % of the ten measured pages' CPU in the
app. Django reads three types as text on purpose (jsonb, inet, cidr: its fields parse them
themselves); their binary loaders here give the same text, so a model reads the same values
in either format.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg.adapt import Loader
from psycopg.pq import Format
from psycopg.types.net import CidrBinaryLoader, InetBinaryLoader


class _JsonbText(Loader):
    """jsonb as its text, as Django's JSONField reads it (a version byte, then the text)."""

    format = Format.BINARY

    def load(self, data: Any) -> str:
        return bytes(data[1:]).decode()


class _InetText(InetBinaryLoader):
    """inet as PostgreSQL's text shows it ("192.0.2.1", "192.0.2.1/24")."""

    def load(self, data: Any) -> Any:
        return str(super().load(data))


class _CidrText(CidrBinaryLoader):
    """cidr as PostgreSQL's text shows it ("192.0.2.0/24")."""

    def load(self, data: Any) -> Any:
        return str(super().load(data))


def read_binary(cursor: Any) -> None:
    """Have this (Django) cursor's next results sent in the binary format (PostgreSQL only)."""
    cursor.cursor.format = Format.BINARY


def register(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """On each new PostgreSQL connection (`connection_created`)."""
    if connection.vendor != "postgresql":
        return
    adapters = connection.connection.adapters
    adapters.register_loader("jsonb", _JsonbText)
    adapters.register_loader("inet", _InetText)
    adapters.register_loader("cidr", _CidrText)
