"""Queries that hot paths run again and again, compiled by the ORM once per process.

Building and compiling an ORM query can cost more CPU than the database spends running it
(issue 17: the session's device is read on every request, the match lookup on every
registration). `compiled()` keeps the SQL the ORM makes for a query built with stand-in
values; `CompiledQuery.fetch()` runs it with the real values and turns the rows into model
instances as the ORM does (its converters, `Model.from_db`, the select_related objects cached
on their field, annotations set as attributes). One level of select_related; the access filters have
their own cache (access.policies), which also puts the moment and the day in."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Field, Model, QuerySet


@dataclass(frozen=True)
class _Part:
    """Where one model's fields are in a row, and the field that holds it (None: the row's
    own model)."""

    model: type[Model]
    names: tuple[str, ...]
    at: slice
    pk_index: int
    field: Field[Any, Any] | None


@dataclass(frozen=True)
class CompiledQuery:
    sql: str
    params: tuple[Any, ...]
    #: {index in params: name of the stand-in}
    slots: dict[int, str]
    main: _Part
    related: tuple[_Part, ...]
    annotations: tuple[tuple[str, int], ...]
    #: The ORM's converters per column (from_db_value, the backend's: SQLite's datetimes and
    #: booleans), applied to every row as the ORM applies them.
    converters: tuple[tuple[int, tuple[list[Any], Any]], ...]

    def fetch(self, using: str, /, **values: Any) -> list[Any]:
        """The query's rows with these values in place of the stand-ins, as instances."""
        params = [
            values[self.slots[i]] if i in self.slots else p for i, p in enumerate(self.params)
        ]
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = [self._convert(connection, row) for row in rows]
        return [self._instance(using, row) for row in rows]

    def _convert(self, connection: Any, row: tuple[Any, ...]) -> tuple[Any, ...]:
        values = list(row)
        for position, (converters, expression) in self.converters:
            for converter in converters:
                values[position] = converter(values[position], expression, connection)
        return tuple(values)

    def _instance(self, using: str, row: tuple[Any, ...]) -> Model:
        main = self.main.model.from_db(using, list(self.main.names), row[self.main.at])
        for part in self.related:
            values = row[part.at]
            related = (
                None
                if values[part.pk_index] is None
                else part.model.from_db(using, list(part.names), values)
            )
            assert part.field is not None
            part.field.set_cached_value(main, related)  # type: ignore[attr-defined]
        for name, index in self.annotations:
            setattr(main, name, row[index])
        return main


_plans: dict[tuple[Any, ...], CompiledQuery] = {}
_lock = threading.Lock()


def compiled(
    key: tuple[Any, ...], using: str, build: Callable[..., QuerySet[Any]], /, **stand_ins: Any
) -> CompiledQuery:
    """`build(**stand_ins)` compiled once per `key` and database. `key` must name everything
    the SQL depends on besides the stand-ins; each stand-in must be a value no real call
    passes (a negative id, say) and must reach the SQL as a parameter as it is."""
    full_key = (*key, using)
    plan = _plans.get(full_key)
    if plan is None:
        plan = _compile(build(**stand_ins), using, stand_ins)
        with _lock:
            _plans[full_key] = plan
    return plan


def _compile(query: QuerySet[Any], using: str, stand_ins: dict[str, Any]) -> CompiledQuery:
    compiler = query.query.get_compiler(using)
    sql, params = compiler.as_sql()
    slots = {i: name for i, p in enumerate(params) for name, v in stand_ins.items() if p == v}
    missing = set(stand_ins) - set(slots.values())
    if missing:
        raise ValueError(f"stand-ins not found among the query's parameters: {missing}")
    info = compiler.klass_info
    assert info is not None

    def part(model: type[Model], fields: list[int], field: Field[Any, Any] | None) -> _Part:
        if fields != list(range(fields[0], fields[-1] + 1)):
            raise ValueError("a model's columns are not side by side in the row")
        names = tuple(compiler.select[i][0].target.attname for i in fields)
        return _Part(model, names, slice(fields[0], fields[-1] + 1),
                     names.index(model._meta.pk.attname), field)  # fmt: skip

    related = []
    for sub in info.get("related_klass_infos", ()):
        if sub.get("related_klass_infos") or sub["reverse"]:
            raise ValueError("one level of forward select_related only")
        related.append(part(sub["model"], sub["select_fields"], sub["field"]))
    return CompiledQuery(
        sql=sql,
        params=tuple(params),
        slots=slots,
        main=part(info["model"], info["select_fields"], None),
        related=tuple(related),
        annotations=tuple(compiler.annotation_col_map.items()),
        converters=tuple(compiler.get_converters([col for col, _, _ in compiler.select]).items()),
    )
