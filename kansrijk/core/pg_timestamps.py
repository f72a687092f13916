"""PostgreSQL's timestamps with time zone read with Python's C parser (issue 17).

Django registers its own loader for `timestamptz` (to give every value its time zone
object), a subclass of psycopg's Python loader, so psycopg's C loader never runs and every
moment a page reads is parsed by a regular expression in Python: ~740 a list page, about a
twentieth of its CPU. This loader parses PostgreSQL's ISO text with
`datetime.fromisoformat` (C) and ends as Django's does: the same moment in the connection's
time zone, with Django's time zone object (a moment in UTC, as Django's connections read
them, already is: converting it again was three quarters of the loader's time); any text
that parser refuses (BC years, infinity, another DateStyle) goes to the loader it replaces,
unchanged.
"""

from __future__ import annotations

import datetime
from functools import cache
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper


@cache
def _loader(tz: datetime.tzinfo | None) -> type[Any]:
    from django.db.backends.postgresql.psycopg_any import BaseTzLoader
    from psycopg.types.datetime import TimestamptzLoader

    iso = TimestamptzLoader._load_iso

    class IsoTzLoader(BaseTzLoader):
        timezone = tz

        def load(self, data: Any) -> datetime.datetime:
            if self._load_method is not iso:  # not DateStyle ISO
                return super().load(data)
            try:
                value = datetime.datetime.fromisoformat(str(data, "ascii"))
                if value.tzinfo is self.timezone:  # UTC read as UTC: already Django's moment
                    return value
                return value.astimezone(self._timezone).replace(tzinfo=self.timezone)
            except (ValueError, OverflowError):
                return super().load(data)

    return IsoTzLoader


def register(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """On each new PostgreSQL connection (`connection_created`)."""
    if connection.vendor != "postgresql":
        return
    tz = connection.timezone
    connection.connection.adapters.register_loader("timestamptz", _loader(tz))
