"""Queries that hot paths run again and again, compiled by the ORM once per process.

Building and compiling an ORM query can cost more CPU than the database spends running it
(issue 17: the session's device is read on every request, the match lookup on every
registration). `compiled()` keeps the SQL the ORM makes for a query built with stand-in
values; `CompiledQuery.fetch()` runs it with the real values and turns the rows into model
instances as the ORM does (its converters, `Model.from_db`, the select_related objects cached
on their field, annotations set as attributes; a related row that repeats in one result, one
instance); a query of values (`values_list`, a union) gives its rows as tuples.
select_related at any depth; a raw SQL part (the access filter a list is read through,
`raw_stand_ins`) is part of the key and its parameters are put in at each fetch. The access
filters have their own cache (access.policies), which also puts the moment and the day in."""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.base import ModelState
from django.db.models.expressions import RawSQL
from django.db.models.query import ModelIterable
from django.db.models.signals import post_init, pre_init

from kansrijk.pg_binary import read_binary
from kansrijk.plans import Plan, rows_planned


@dataclass(frozen=True)
class _Part:
    """Where one model's fields are in a row, the related objects read with it
    (select_related), and how the ORM caches it on the object it is read for (its
    `local_setter`, and `remote_setter` the other way; None for the row's own model)."""

    model: type[Model]
    names: tuple[str, ...]
    at: slice
    pk_index: int
    related: tuple[_Part, ...] = ()
    local_setter: Callable[[Model, Model | None], None] | None = None
    remote_setter: Callable[[Model, Model], None] | None = None
    #: `_plain(model)` when compiled (receivers connect when the apps load).
    plain: bool = False

    def new(self, using: str, values: tuple[Any, ...]) -> Model:
        """The row's instance, as `Model.from_db` makes it: for a plain model (`_plain`)
        the attributes set directly, which is all `Model.__init__` does then (a list page
        builds hundreds; `__init__` was a tenth of the agenda's CPU, issue 17). `values` is the
        row's slice `at`, as long as `names` by construction: zip's `strict` check cost a
        quarter of this method."""
        model = self.model
        if not self.plain:
            return model.from_db(using, list(self.names), values)
        obj = model.__new__(model)
        state = ModelState()
        state.adding = False
        state.db = using
        obj._state = state
        obj.__dict__.update(zip(self.names, values))  # noqa: B905 - see above
        return obj


def _plain(model: type[Model]) -> bool:
    """Whether `Model.from_db` would do no more than set the fields' attributes."""
    return (
        getattr(model.from_db, "__func__", None) is _FROM_DB
        and not pre_init.has_listeners(model)
        and not post_init.has_listeners(model)
    )


_FROM_DB = Model.from_db.__func__  # type: ignore[attr-defined]


@functools.cache
def _key_part(model: type[Model]) -> _Part:
    return _Part(model, (model._meta.pk.attname,), slice(0, 1), 0, plain=_plain(model))


_M = TypeVar("_M", bound=Model)


def key_only(model: type[_M], using: str, pk: Any) -> _M:
    """An instance that holds its primary key alone, every other field read when first
    asked for, as `model.from_db(using, [pk name], [pk])` makes it, in a quarter of the time
    (a list makes one per row: a case's family, issue 17)."""
    return cast(_M, _key_part(model).new(using, (pk,)))


@dataclass(frozen=True)
class CompiledQuery:
    sql: str
    params: tuple[Any, ...]
    #: {index in params: name of the stand-in}
    slots: dict[int, str]
    #: None for a query of values (`values_list`): its rows are returned as tuples.
    main: _Part | None
    annotations: tuple[tuple[str, int], ...]
    #: The ORM's converters per column (from_db_value, the backend's: SQLite's datetimes and
    #: booleans), applied to every row as the ORM applies them.
    converters: tuple[tuple[int, tuple[list[Any], Any]], ...]

    def fetch(self, using: str, plan: Plan | None = None, /, **values: Any) -> list[Any]:
        """The query's rows with these values in place of the stand-ins, as instances; run
        with `plan` when given (kansrijk.plans)."""
        params = [
            values[self.slots[i]] if i in self.slots else p for i, p in enumerate(self.params)
        ]
        connection = connections[using]
        if plan is not None:
            rows = rows_planned(self.sql, params, plan, using)
        else:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    read_binary(cursor)
                cursor.execute(self.sql, params)
                rows = cursor.fetchall()
        if self.converters:
            rows = [self._convert(connection, row) for row in rows]
        if self.main is None:
            return rows
        seen: dict[tuple[int, Any], Model] = {}
        return [self._instance(using, row, seen) for row in rows]

    def _convert(self, connection: Any, row: tuple[Any, ...]) -> tuple[Any, ...]:
        values = list(row)
        for position, (converters, expression) in self.converters:
            for converter in converters:
                values[position] = converter(values[position], expression, connection)
        return tuple(values)

    def _instance(
        self, using: str, row: tuple[Any, ...], seen: dict[tuple[int, Any], Model]
    ) -> Model:
        assert self.main is not None
        main = self.main.new(using, row[self.main.at])
        _related(using, self.main, main, row, seen)
        for name, index in self.annotations:
            setattr(main, name, row[index])
        return main


def _related(
    using: str, part: _Part, obj: Model, row: tuple[Any, ...], seen: dict[tuple[int, Any], Model]
) -> None:
    """Cache the related objects `part` holds on `obj` as the ORM's select_related does
    (django.db.models.query.RelatedPopulator): a missing one as None, both ways. A related
    row met before in the same result (`seen`: a list's one school, its few contact
    persons) is the same instance, where the ORM makes one per row: the same database row
    read in the same query holds the same values (a list of 80 cases made 80 schools)."""
    for sub in part.related:
        values = row[sub.at]
        related = None
        pk = values[sub.pk_index]
        if pk is not None:
            key = (id(sub), pk)
            related = seen.get(key)
            if related is None:
                related = seen[key] = sub.new(using, values)
                _related(using, sub, related, row, seen)
        assert sub.local_setter is not None and sub.remote_setter is not None
        sub.local_setter(obj, related)
        if related is not None:
            sub.remote_setter(related, obj)


class _Blank:
    """A stand-in for one parameter of a raw SQL part: equal to itself alone."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<stand-in {self.name}>"


@functools.cache
def _param_names(name: str, count: int) -> tuple[str, ...]:
    """The names of a raw SQL part's parameters among a compiled query's values."""
    return tuple(f"{name}_{i}" for i in range(count))


def raw_stand_ins(name: str, raw: RawSQL) -> tuple[RawSQL, dict[str, Any]]:
    """`raw` with a stand-in for each of its parameters (to build the query with), and the
    stand-ins by name (`_param_names`, the names `fetch` gives the values). Its SQL must be
    part of the plan's key."""
    blanks = {key: _Blank(key) for key in _param_names(name, len(raw.params))}
    stand_in = RawSQL(raw.sql, tuple(blanks.values()), raw._output_field_or_none)  # type: ignore[attr-defined]  # noqa: S611
    return stand_in, blanks


#: Compiled plans, at most this many per process (least recently used dropped): a key may
#: hold a user's own access filter.
PLAN_LIMIT = 2048
_plans: OrderedDict[tuple[Any, ...], CompiledQuery] = OrderedDict()
_lock = threading.Lock()


def compiled(
    key: tuple[Any, ...], using: str, build: Callable[..., QuerySet[Any]], /, **stand_ins: Any
) -> CompiledQuery:
    """`build(**stand_ins)` compiled once per `key` and database. `key` must name everything
    the SQL depends on besides the stand-ins; each stand-in must be a value no real call
    passes (a negative id, say) and must reach the SQL as a parameter as it is."""
    return _compiled(key, using, lambda: (build(**stand_ins), stand_ins))


def _compiled(
    key: tuple[Any, ...], using: str, make: Callable[[], tuple[QuerySet[Any], dict[str, Any]]]
) -> CompiledQuery:
    """The query kept for `key`; else `make()`'s query and stand-ins, compiled and kept."""
    full_key = (*key, using)
    with _lock:
        plan = _plans.get(full_key)
        if plan is not None:
            _plans.move_to_end(full_key)
    if plan is None:
        query, stand_ins = make()
        plan = _compile(query, using, stand_ins)
        with _lock:
            _plans[full_key] = plan
            while len(_plans) > PLAN_LIMIT:
                _plans.popitem(last=False)
    return plan


def _compile(query: QuerySet[Any], using: str, stand_ins: dict[str, Any]) -> CompiledQuery:
    compiler = query.query.get_compiler(using)
    sql, params = compiler.as_sql()
    slots = {i: name for i, p in enumerate(params) for name, v in stand_ins.items() if p == v}
    missing = set(stand_ins) - set(slots.values())
    if missing:
        raise ValueError(f"stand-ins not found among the query's parameters: {missing}")
    info = compiler.klass_info if query._iterable_class is ModelIterable else None
    if info is None and not _in_order(query):
        raise ValueError("the values are not read in the order the query names them")

    def part(info: dict[str, Any]) -> _Part:
        model, fields = info["model"], info["select_fields"]
        if fields != list(range(fields[0], fields[-1] + 1)):
            raise ValueError("a model's columns are not side by side in the row")
        names = tuple(compiler.select[i][0].target.attname for i in fields)
        related = tuple(part(sub) for sub in info.get("related_klass_infos", ()))
        return _Part(model, names, slice(fields[0], fields[-1] + 1),
                     names.index(model._meta.pk.attname), related,
                     info.get("local_setter"), info.get("remote_setter"),
                     _plain(model))  # fmt: skip

    return CompiledQuery(
        sql=sql,
        params=tuple(params),
        slots=slots,
        main=None if info is None else part(info),
        annotations=tuple(compiler.annotation_col_map.items()),
        converters=tuple(compiler.get_converters([col for col, _, _ in compiler.select]).items()),
    )


def _in_order(query: QuerySet[Any]) -> bool:
    """Whether a query of values selects them in the order it names them (as
    `ValuesListIterable` checks before it reorders a row)."""
    sql = query.query
    if sql.combinator:
        sql = sql.combined_queries[0]
    selected = [*sql.extra_select, *sql.values_select, *sql.annotation_select]
    named = list(getattr(query, "_fields", None) or ())
    return not named or named == selected[: len(named)]


def ids_in(ids: Sequence[int]) -> RawSQL:
    """Among these ids, as one array parameter (PostgreSQL), so that the SQL is the same
    however many there are: `pk__in=ids_in(ids)`."""
    return among_array(id_array(ids))


def among_array(array: str) -> RawSQL:
    """`ids_in` for ids already made into an array's text by `id_array` (kept and reused)."""
    return RawSQL("SELECT unnest(%s::bigint[])", (array,))


def fetch_among(
    key: tuple[Any, ...], queryset: QuerySet[Any], field: str, ids: Sequence[int]
) -> list[Any]:
    """`queryset.filter(<field>__in=ids)`'s rows: on PostgreSQL through SQL compiled once per
    `key` (which must name the queryset), the ids one array parameter, so that one SQL
    serves any number of them; elsewhere the ORM's own query."""
    using = queryset.db
    if connections[using].vendor != "postgresql":
        return list(queryset.filter(**{f"{field}__in": list(ids)}))
    return fetch(
        key, using, lambda among: queryset.filter(**{f"{field}__in": among}), among=ids_in(ids)
    )


def id_array(ids: Iterable[int]) -> str:
    """Ids as the text of a PostgreSQL array, for a `%s::bigint[]` parameter: psycopg passes
    it as it is, where it dumps a list element by element in Python (~1 ms for a
    coordinator's 1,500 case ids; issue 17). `int()` keeps it to numbers."""
    return "{" + ",".join(map(str, map(int, ids))) + "}"


#: The first stand-in for an id in `fetch`; the next ones count down from it.
_ID_STAND_IN = -434343


def fetch(key: tuple[Any, ...], using: str, build: Callable[..., QuerySet[Any]],
          plan: Plan | None = None, /, **values: int | RawSQL) -> list[Any]:  # fmt: skip
    """`build(**values)` read through SQL compiled once per `key` and the raw SQL parts'
    text: an id gets a negative stand-in, a raw SQL part (an access filter, `ids_in`) a
    stand-in per parameter (`raw_stand_ins`); each is put in at every call. `plan`: how
    PostgreSQL plans it (kansrijk.plans), its own choice when None. Objects, or for a query
    of values its rows. The stand-ins are made only when the SQL is compiled: a list's
    filter has dozens of parameters, and making them at every call was a fiftieth of a
    page's CPU (issue 17)."""
    given: dict[str, Any] = {}
    texts = []
    for name, value in values.items():
        if isinstance(value, RawSQL):
            given.update(zip(_param_names(name, len(value.params)), value.params))  # noqa: B905
            texts.append(value.sql)
        else:
            given[name] = value

    def make() -> tuple[QuerySet[Any], dict[str, Any]]:
        args: dict[str, Any] = {}
        stand_ins: dict[str, Any] = {}
        for i, (name, value) in enumerate(values.items()):
            if isinstance(value, RawSQL):
                args[name], blanks = raw_stand_ins(name, value)
                stand_ins |= blanks
            else:
                args[name] = stand_ins[name] = _ID_STAND_IN - i
        return build(**args), stand_ins

    query = _compiled((*key, *texts), using, make)
    return query.fetch(using, plan, **given)
