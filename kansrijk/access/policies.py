"""The permission matrix as query filters: every list and every object check uses these.

A professional's memberships decide which (role, relation) pairs apply; each pair that
grants the action becomes one condition, and the conditions are OR-ed inside the query.
Object checks run the same filter on one row, so a page and its list never disagree.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from kansrijk.access.matrix import (
    ATTENTION_LIST_ROLES,
    CHAIR_ROLES,
    EMERGENCY_ROLES,
    MATRIX,
    SIGNALLING_ROLES,
    Action,
    Relation,
)
from kansrijk.access.registry import (
    NOW_PLACEHOLDER,
    Reach,
    Sharing,
    case_model,
    compiling,
    is_compiling,
    membership_facts,
    relation_filter,
    shared_with,
)
from kansrijk.access.roles import Role
from kansrijk.compiled import among_array, compiled, fetch, id_array
from kansrijk.plans import GENERIC, rows_planned

if TYPE_CHECKING:
    from django.db.models import Model

    from kansrijk.core.models import Membership, Professional


#: The stand-in for the user's id in the compiled read of the memberships.
_USER_STAND_IN = -434343


def memberships_of(user: Professional) -> list[Membership]:
    """The user's memberships with their organisation and location, read once per request,
    with SQL the ORM compiled once per process (kansrijk.compiled: every signed-in request reads
    them, and building the query cost twice what running it did)."""
    cached: list[Membership] | None = getattr(user, "_kansrijk_memberships", None)
    if cached is None:
        model = user.memberships.model
        using = user._state.db or model.objects.db
        plan = compiled(
            ("memberships",),
            using,
            lambda uid: (
                model.objects.using(using)
                .filter(professional_id=uid)
                .select_related("organisation", "location")
                .order_by("pk")
            ),
            uid=_USER_STAND_IN,
        )
        cached = plan.fetch(using, uid=user.pk)
        for membership in cached:
            model.professional.field.set_cached_value(membership, user)
        _read_facts(user, cached)
        user._kansrijk_memberships = cached  # type: ignore[attr-defined]
    return cached


def _read_facts(user: Professional, memberships: list[Membership]) -> None:
    """The registered membership facts (registry.MembershipFact), in one query for all of
    them and only when a membership they concern is there. Not in the memberships' own
    query: planning the fact's subquery there costs every user ~0.9 ms a page (measured at
    region scale 0.1), more than this query costs the few it concerns. Its SQL is compiled
    once per number of memberships and day for every user (`_compile_once`): building the
    stand-in's nested sub-queries cost ~8 ms of CPU on every request of a family or SWV
    specialist."""
    facts = [f for f in membership_facts() if any(m.role in f.concerns for m in memberships)]
    if not facts:
        return
    model = type(memberships[0])
    using = model.objects.db
    # Built for stand-ins of the user and their memberships (`_Shape`), bound to theirs.
    stand_in = type(user)(pk=_SHAPE_USER)
    values = {_SHAPE_USER: user.pk}
    values.update((_SHAPE_MEMBERSHIP - i, m.pk) for i, m in enumerate(memberships))

    def build() -> tuple[QuerySet[Any], Any]:
        query = (
            model.objects.using(using)
            .filter(pk__in=[_SHAPE_MEMBERSHIP - i for i in range(len(memberships))])
            .annotate(**{f.name: f.build(stand_in) for f in facts})
            .values_list("pk", *(f.name for f in facts))
        )
        fields = [query.query.annotations[f.name].output_field for f in facts]
        return query, tuple(isinstance(field, BooleanField) for field in fields)

    names = tuple(f.name for f in facts)
    key = ("facts", names, using, len(memberships), timezone.localdate())
    shaped = _compile_once(key, using, build, values)
    if shaped is None:
        return
    hit = shaped.bound(values)
    # With the plan PostgreSQL keeps (kansrijk.plans): it planned this query anew on every
    # request, 1.1 ms a page of a family specialist; the kept plan runs in 0.02 (issue 17).
    rows = {row[0]: row[1:] for row in rows_planned(hit.sql, hit.filled(using), GENERIC, using)}
    for membership in memberships:
        values = rows.get(membership.pk, ())
        for fact, value, boolean in zip(facts, values, hit.extra, strict=False):
            if membership.role in fact.concerns:
                setattr(membership, fact.name, bool(value) if boolean else value)


def roles_of(user: Professional) -> set[Role]:
    if not user.is_authenticated:
        return set()
    return {Role(m.role) for m in memberships_of(user)}


def _reaches(user: Professional, membership: Membership, action: Action) -> list[Reach]:
    """What each relation through which this membership grants the action reaches."""
    reaches = []
    for relation, actions in MATRIX.get(Role(membership.role), {}).items():
        build = relation_filter(relation) if action in actions else None
        reach = build(user, membership) if build is not None else None
        if reach:
            reaches.append(reach)
    return reaches


def _union(queries: list[QuerySet[Any]]) -> QuerySet[Any]:
    """One query of the case ids all `queries` give. In a filter compiled for reuse, a query
    that two memberships repeat (a coordinator's own cases, once per location) is asked
    once: half the planning of a coordinator's set (telling them apart costs their SQL, paid
    once a day there, on every list where the filter is not compiled)."""
    if is_compiling():
        queries = list({_sql(query): query for query in queries}.values())
    first, *others = queries
    return first.union(*others, all=True) if others else first


def _sql(query: QuerySet[Any]) -> str | int:
    """The query's SQL with its parameters, to tell two queries apart (one that finds nothing
    by construction has none: itself)."""
    try:
        return str(query.query)
    except EmptyResultSet:
        return id(query)


def _any_of(membership: Membership, reaches: list[Reach]) -> Q:
    """One reach holds with its sharing; relations that need the same sharing share one
    consent check."""
    by_sharing: dict[Sharing | None, list[Reach]] = {}
    for reach in reaches:
        by_sharing.setdefault(reach.sharing, []).append(reach)
    condition = Q(pk__in=[])
    for sharing, group in by_sharing.items():
        reached = Q(pk__in=[])
        for reach in group:
            reached |= reach.reaches()
        if sharing is not None:
            reached &= shared_with(membership, sharing)
        condition |= reached
    return condition


def membership_condition(user: Professional, membership: Membership, action: Action) -> Q | None:
    """The cases on which this one membership grants the action, or None for none."""
    reaches = _reaches(user, membership, action)
    return _any_of(membership, reaches) if reaches else None


def case_condition(user: Professional, action: Action, membership: Membership | None = None) -> Q:
    """All cases on which the user may take the action (through this one membership, when
    given), as one filter: the case is among a union of index look-ups over the user's own
    rows (registry.Reach, `_case_parts`) when compiled, where the sharing is checked only
    for the cases no part over the cases found (an IB's own and team cases are at their
    school: 1,430 buffers of checks a page for cases their school gave; issue 17); inline
    (SQLite, the object checks' fallback) the union checked against every reach, one level
    of nesting less, which SQLite's parser needs for the pupil picker's filter; the same
    cases."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if is_compiling():
        compiled = _case_parts(user, action, membership)
        sharing = compiled.sharing(without=compiled.found())
        union = compiled.reached if sharing is None else [*compiled.reached, sharing]
        return Q(pk__in=_union(union)) if union else Q(pk__in=[])
    parts: list[QuerySet[Any]] = []
    shared: list[QuerySet[Any]] = []
    inline = Q(pk__in=[])  # one of all the relations holds (with its sharing)
    for member in memberships_of(user) if membership is None else [membership]:
        found = _reaches(user, member, action)
        for reach in found:
            (parts if reach.sharing is None else shared).extend(reach.cases)
        if found:
            inline |= _any_of(member, found)
    if not shared:
        return Q(pk__in=_union(parts)) if parts else Q(pk__in=[])
    return Q(pk__in=_union(parts + shared)) & inline


@dataclass
class _Parts:
    """The queries of case ids whose union is the cases on which a user may take an action,
    for a filter compiled for reuse (`_case_parts`)."""

    #: The cases of the relations that need no sharing, as they are.
    reached: list[QuerySet[Any]]
    #: The cases of the relations that need sharing, and per membership those relations.
    shared: list[QuerySet[Any]]
    needing: list[tuple[Membership, list[Reach]]]

    def own(self) -> list[QuerySet[Any]]:
        """The parts that need no sharing and read the cases themselves (a centre's)."""
        return [part for part in self.reached if part.model is case_model()]

    def found(self) -> QuerySet[Any] | None:
        """The cases `own` finds, as one query, or None."""
        own = self.own()
        return _union(own) if own else None

    def sharing(self, without: QuerySet[Any] | None = None) -> QuerySet[Any] | None:
        """One query of the cases the relations that need sharing reach where one of them
        holds with its sharing (the consents read for each of those cases' families), or None;
        `without`: less these cases, found by a part that needs no sharing."""
        if not self.shared:
            return None
        shared = self.shared if without is None else [_excluding(q, without) for q in self.shared]
        condition = Q(pk__in=_union(shared)) & _with_sharing(self.needing)
        return case_model().objects.filter(condition).values("pk").order_by()


def _case_parts(user: Professional, action: Action, membership: Membership | None = None) -> _Parts:
    """What the user's relations reach for the action (through this one membership, when
    given). Checking the whole union's cases again against every reach hashed a location's
    signals twice (issue 17)."""
    reached: list[QuerySet[Any]] = []
    shared: list[QuerySet[Any]] = []
    needing: list[tuple[Membership, list[Reach]]] = []
    for member in memberships_of(user) if membership is None else [membership]:
        found = _reaches(user, member, action)
        for reach in found:
            (reached if reach.sharing is None else shared).extend(reach.cases)
        needs = [reach for reach in found if reach.sharing is not None]
        if needs:
            needing.append((member, needs))
    return _Parts(reached, shared, needing)


def _with_sharing(needing: list[tuple[Membership, list[Reach]]]) -> Q:
    """Of the cases the relations that need sharing reach: where one of them holds with its
    sharing. When they need one sharing and their memberships are of one organisation (a
    family specialist's contact-person and team seats; a school nurse's or SWV specialist's
    seats through a membership per location served), a case among their cases is reached by
    one of them, and the sharing asks only the organisation: only the sharing is checked
    (checking the reach again cost a GS list a look-up per case, and an SWV specialist's two
    per case, 991 cases, issue 17)."""
    organisations = {member.organisation_id for member, _ in needing}
    sharings = {reach.sharing for _, needs in needing for reach in needs}
    if len(organisations) == 1 and len(sharings) == 1:
        (sharing,) = sharings
        assert sharing is not None
        return shared_with(needing[0][0], sharing)
    condition = Q(pk__in=[])
    for member, needs in needing:
        condition |= _any_of(member, needs)
    return condition


def filter_cases(queryset: QuerySet[Any], user: Professional, action: Action) -> QuerySet[Any]:
    """The cases of `queryset` on which the user may take the action."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if not filters_compiled(queryset.db):
        return queryset.filter(case_condition(user, action))
    visible = visible_cases(user, action, queryset.db)
    return queryset.none() if visible is None else queryset.filter(pk__in=visible)


def visible_condition(user: Professional, action: Action, field: str, using: str = "default") -> Q:
    """The condition "the case `field` names (a signal's `case_id`) is one the user may take
    the action on", for a query of rows that point at a case. On PostgreSQL "field in (the
    compiled filter)": the user's cases are read once and hashed, where a correlated query of
    cases planned a scan of all cases per list."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if not filters_compiled(using):
        cases = case_model().objects.filter(case_condition(user, action), pk=OuterRef(field))
        return Q(Exists(cases))
    visible = visible_cases(user, action, using)
    return Q(pk__in=[]) if visible is None else Q(**{f"{field}__in": visible})


#: Compiled filters, at most this many per process (least recently used dropped).
COMPILED_LIMIT = 2048
#: Where a compiled query takes the case of an object check (`_all_actions`).
CASE_PLACEHOLDER = -424242


@dataclass(frozen=True)
class Compiled:
    """A query compiled once: its SQL and parameters, and which parameters are the moment
    (`registry.now`) and the case of an object check, put in at each use; `extra` is what
    the builder needs to read the answer (the grants of `_all_actions`); `slots`: where a
    filter compiled for a shape of memberships (`_Shape`) has a stand-in for one user's own
    value (position, stand-in), put in by `bound`."""

    sql: str
    params: tuple[Any, ...]
    moments: tuple[int, ...]
    cases: tuple[int, ...]
    extra: Any = None
    slots: tuple[tuple[int, int], ...] = ()

    def filled(self, using: str, case_id: int | str | None = None) -> tuple[Any, ...]:
        if not self.moments and not self.cases:
            return self.params
        moment = connections[using].ops.adapt_datetimefield_value(timezone.now())
        return tuple(
            moment if i in self.moments else case_id if i in self.cases else p
            for i, p in enumerate(self.params)
        )

    def bound(self, values: dict[int, Any]) -> Compiled:
        """This query for one user: their own values (`values`, by stand-in) in its slots."""
        if not self.slots:
            return self
        params = list(self.params)
        for at, stand_in in self.slots:
            params[at] = values[stand_in]
        return replace(self, params=tuple(params), slots=())


_compiled: OrderedDict[tuple[Any, ...], Compiled | None] = OrderedDict()
_compiled_lock = threading.Lock()

#: The stand-ins for a user's own values in a filter compiled for a shape of memberships
#: (`_Shape`): their id, and each of their organisations, locations and memberships (counting
#: down from these). Integers no row has, within every backend's integer range (Django
#: answers a look-up of an id out of range with an empty result, not with SQL).
_SHAPE_USER = -535353
_SHAPE_ORGANISATION = -545400
_SHAPE_LOCATION = -555500
_SHAPE_MEMBERSHIP = -565600


@dataclass(frozen=True)
class _Shape:
    """What a user's access filters depend on, without whose they are: per membership (in
    the order `memberships_of` gives them) its role, which of the user's organisations and
    locations it is at (the first, the second …: equal ids stay equal, so a query two
    memberships repeat is still asked once) and its registered facts, and whether the user
    is active. Users of one shape (every teacher of one group, every IB, most coordinators)
    share one compiled filter: built with `user`, a stand-in with stand-in memberships,
    and `bound` to each user's `values`. Compiled per user, a user's first page on a worker
    built 5-12 of them: 40-85 ms of CPU (IB, GS, coordinator at region scale 1.0; issue 17),
    and a region's users are more than a worker keeps (COMPILED_LIMIT)."""

    key: tuple[Any, ...]
    user: Professional
    values: dict[int, Any]


def _shape(user: Professional) -> _Shape | None:
    """The user's shape (made once per request, for the memberships read then), or None
    where a membership of a role a fact concerns was read without it (the relation would
    then read it from the database)."""
    memberships = memberships_of(user)
    cached: tuple[list[Membership], _Shape] | None = getattr(user, "_kansrijk_shape", None)
    if cached is not None and cached[0] is memberships:
        return cached[1]
    facts = membership_facts()
    stand_in = type(user)(pk=_SHAPE_USER, is_active=user.is_active)
    values: dict[int, Any] = {_SHAPE_USER: user.pk}
    places: dict[tuple[str, int], int] = {}
    copies = []
    key: list[Any] = [user.is_active]
    for index, membership in enumerate(memberships):
        if any(
            membership.role in fact.concerns and not hasattr(membership, fact.name)
            for fact in facts
        ):
            return None
        organisation = _place(places, values, "organisation", membership.organisation_id)
        location = None
        if membership.location_id is not None:
            location = _place(places, values, "location", membership.location_id)
        values[_SHAPE_MEMBERSHIP - index] = membership.pk
        copy = type(membership)(
            pk=_SHAPE_MEMBERSHIP - index,
            role=membership.role,
            organisation_id=organisation,
            location_id=location,
            professional_id=_SHAPE_USER,
        )
        type(membership).professional.field.set_cached_value(copy, stand_in)
        found = [getattr(membership, fact.name, None) for fact in facts]
        for fact, value in zip(facts, found, strict=True):
            if hasattr(membership, fact.name):
                setattr(copy, fact.name, value)
        copies.append(copy)
        key.append((membership.role, organisation, location, *found))
    stand_in._kansrijk_memberships = copies  # type: ignore[attr-defined]
    shape = _Shape(tuple(key), stand_in, values)
    user._kansrijk_shape = (memberships, shape)  # type: ignore[attr-defined]
    return shape


def _place(places: dict[tuple[str, int], int], values: dict[int, Any], kind: str, real: int) -> int:
    """The stand-in of an organisation or location of the user's: one per distinct id."""
    if (kind, real) not in places:
        first = _SHAPE_ORGANISATION if kind == "organisation" else _SHAPE_LOCATION
        places[(kind, real)] = first - sum(1 for place in places if place[0] == kind)
        values[places[(kind, real)]] = real
    return places[(kind, real)]


def _compiled_query(
    user: Professional,
    key: tuple[Any, ...],
    using: str,
    build: Callable[[Professional], tuple[QuerySet[Any], Any]],
) -> Compiled | None:
    """The query `build(user)` makes, compiled once per key, shape of memberships and day
    (`_Shape`), bound to the user and kept per user (issue 17: building and compiling the
    ORM condition cost 10-20 ms of CPU per list, running it a few ms). The SQL reads
    relations and consents when it runs, so a change to them shows at once; its shape
    depends on the user's memberships (role, places, the registered membership facts such
    as standing in today) and the day (consents and absences in force), which are part of
    the key. A membership in `key` is named by its place among the user's. None: the query
    finds nothing whatever the data (an empty condition)."""
    facts = [fact.name for fact in membership_facts()]
    # Sorted: the same memberships in another order are the same key (with prepared
    # statements PostgreSQL's sixth run of a query may use another plan and another order).
    members = tuple(
        sorted(
            (m.pk, m.role, m.organisation_id, m.location_id, *(getattr(m, f, None) for f in facts))
            for m in memberships_of(user)
        )
    )
    day = timezone.localdate()
    own_key = (*key, using, user.pk, members, day)
    found, hit = _kept(own_key)
    if found:
        return hit
    shape = _shape(user)
    if shape is None:
        return _compile_once(own_key, using, lambda: build(user))
    shaped = _compile_once(
        (*key, using, "shape", shape.key, day), using, lambda: build(shape.user), shape.values
    )
    hit = None if shaped is None else shaped.bound(shape.values)
    _keep(own_key, hit)
    return hit


def _compile_once(
    full_key: tuple[Any, ...],
    using: str,
    build: Callable[[], tuple[QuerySet[Any], Any]],
    stand_ins: dict[int, Any] | None = None,
) -> Compiled | None:
    """The query `build` makes, compiled once per `full_key` (which must name everything its
    SQL depends on) and kept among the last COMPILED_LIMIT. `stand_ins`: the integers it was
    built with in place of one user's values, whose places are its `slots`; none may end up
    in the SQL's text (it would hold for every user)."""
    found, hit = _kept(full_key)
    if found:
        return hit
    with compiling():
        query, extra = build()
        try:
            sql, params = query.query.get_compiler(using).as_sql()
        except EmptyResultSet:
            hit = None
        else:
            adapted = connections[using].ops.adapt_datetimefield_value(NOW_PLACEHOLDER)
            slots = tuple(
                (i, p)
                for i, p in enumerate(params)
                if type(p) is int and stand_ins is not None and p in stand_ins
            )
            if stand_ins and any(str(stand_in) in sql for stand_in in stand_ins):
                raise ValueError("a user's own value is in the text of a filter compiled for all")
            hit = Compiled(
                sql,
                tuple(params),
                moments=tuple(i for i, p in enumerate(params) if p in (NOW_PLACEHOLDER, adapted)),
                cases=tuple(i for i, p in enumerate(params) if p == CASE_PLACEHOLDER),
                extra=extra,
                slots=slots,
            )
    _keep(full_key, hit)
    return hit


def _kept(full_key: tuple[Any, ...]) -> tuple[bool, Compiled | None]:
    """Whether a query is kept for `full_key`, and it (None: one that finds nothing)."""
    with _compiled_lock:
        if full_key not in _compiled:
            return False, None
        _compiled.move_to_end(full_key)
        return True, _compiled[full_key]


def _keep(full_key: tuple[Any, ...], hit: Compiled | None) -> None:
    with _compiled_lock:
        _compiled[full_key] = hit
        while len(_compiled) > COMPILED_LIMIT:
            _compiled.popitem(last=False)


def filters_compiled(using: str) -> bool:
    """Whether the access filters are compiled SQL (`visible_cases`) on this database.
    PostgreSQL reuses compiled filters; SQLite (tests, development) parses at most ~100
    levels of nesting, and the pupil picker's filter nested one level deeper overflows it,
    so there the ORM's condition stays inline."""
    return connections[using].vendor == "postgresql"


def _visible_compiled(
    user: Professional, action: Action, using: str, membership: Membership | None = None
) -> Compiled | None:
    # The membership by its place among the user's: the filter is built for a stand-in.
    place = None
    if membership is not None:
        place = next(i for i, m in enumerate(memberships_of(user)) if m.pk == membership.pk)

    def build(builder: Professional) -> tuple[QuerySet[Any], Any]:
        member = None if place is None else memberships_of(builder)[place]
        condition = case_condition(builder, action, member)
        ids = _ids_alone(condition)
        if ids is not None:
            return ids, None
        query = case_model().objects.using(using).filter(condition)
        return query.values("pk").order_by(), None

    return _compiled_query(user, ("visible", action, place), using, build)


def _ids_alone(condition: Q) -> QuerySet[Any] | None:
    """The query of case ids when the condition is "the case is among them" and nothing
    else: then it is the filter's SQL itself, not "the cases whose id is among them". Each
    id a relation gives is a case's (a foreign key, never null), so looking each one up in
    the cases again only read them: a coordinator's 1,500 scattered cases, 5.0 → 2.9 ms at
    region scale 1.0 and 3.2 → 1.8 ms at 0.1 (issue 17). Its rows may repeat an id; as the
    list of an IN that changes nothing, and `read_for_page` keeps each id once."""
    if condition.negated or condition.connector != Q.AND or len(condition.children) != 1:
        return None
    child = condition.children[0]
    if isinstance(child, tuple) and child[0] == "pk__in" and isinstance(child[1], QuerySet):
        return child[1]
    return None


def visible_cases(
    user: Professional,
    action: Action,
    using: str = "default",
    membership: Membership | None = None,
) -> RawSQL | None:
    """`case_condition` as SQL of the case ids, compiled once (`_compiled_query`) and reused
    by every list after. The moment an emergency grant expires is put in at each use
    (`registry.now`). None: no case at all. With `membership`: the cases that one membership
    grants the action on. After `read_for_page`, the ids read for the page."""

    hit = _visible_compiled(user, action, using, membership)
    if hit is None:
        return None
    read = _read(user, using, hit)
    if read is not None:
        return among_array(read.array)
    return RawSQL(hit.sql, hit.filled(using))  # noqa: S611 - compiled by the ORM from the matrix


@dataclass
class _Read:
    """What `read_for_page` read: the ids, and the case columns asked for with them."""

    ids: list[int]
    columns: tuple[str, ...] = ()
    values: dict[int, tuple[Any, ...]] = field(default_factory=dict)

    @functools.cached_property
    def array(self) -> str:
        """The ids as the text of one array parameter (`id_array`), made once: each list of
        the page takes them (a coordinator's 1,500 ids, three or four lists a page)."""
        return id_array(self.ids)


def read_for_page(
    user: Professional, action: Action, using: str = "default", *, also: tuple[str, ...] = ()
) -> None:
    """Read the ids of the cases the user may take the action on once for this page (within
    `one_page`, on PostgreSQL): every list of the page after takes them as an array. For a
    page that asks for the same set more than once (a list and its counts, a page and its
    total): each ask computed the set anew, 8-25 ms of database time at region scale 0.1.
    The ids are kept by the filter's SQL, not by the action: where the matrix grants two
    actions (or one membership and all of the user's) through the same relations, the filter
    is the same and is read once (an IB's summary, counts and full file; issue 17).
    `also`: case columns read with the ids (`rows_read_for_page`), for a page that counts
    or narrows its lists by them: one look-up of each case instead of one per list (a
    coordinator's 1,500 cases, scattered at region scale 1.0)."""
    page = _page_visible.get()
    if (
        page is None
        or not filters_compiled(using)
        or not user.is_authenticated
        or not user.is_active
    ):
        return
    hit = _visible_compiled(user, action, using)
    if hit is None:
        return
    key = _read_key(user, using, hit)
    known = page.get(key)
    if known is not None and set(also) <= set(known.columns):
        return
    read = _rows_compiled(user, action, using, also) if also else hit
    rows = [] if read is None else rows_planned(read.sql, read.filled(using), GENERIC, using)
    values = {row[0]: tuple(row[1:]) for row in rows}  # two relations, one case: once
    page[key] = _Read(list(values), also, values)


def _rows_compiled(
    user: Professional, action: Action, using: str, also: tuple[str, ...]
) -> Compiled | None:
    """The cases `_visible_compiled` gives, each with its id and the case columns `also`,
    compiled once: the same union of the reaches, where a part over the cases reads the
    columns where it finds the ids, from its own index (a location's and a contact person's
    cases carry their state, priority, last step and contact person: `case_location_state_rows`
    and `case_contact_person_rows`), and the cases the other parts give (a signal's author, a
    team seat) are looked up once each. Reading the whole union's ids first and each case
    after looked up a coordinator's 1,500 scattered cases one by one, ~4,500 buffers (issue
    17). Its rows may repeat a case, with the same columns."""

    def build(builder: Professional) -> tuple[QuerySet[Any], Any]:
        model = case_model()
        parts = _case_parts(builder, action)
        own = parts.own()
        others = [part for part in parts.reached if part.model is not model]
        rows = [_with_columns(part, also) for part in own]
        # The other parts give only the cases those over the cases did not find: an IB's
        # ~400 cases of their own signals are all at their school, and each was looked up
        # again (`case_condition` leaves them out of the sharing's candidates too).
        found = parts.found()
        if others:
            if found is not None:
                others = [_excluding(part, found) for part in others]
            looked_up = model.objects.filter(pk__in=_union(others))
            rows.append(looked_up.values("pk", *also).order_by())
        sharing = parts.sharing(without=found)
        if sharing is not None:  # its cases are looked up for the sharing: read there
            rows.append(_with_columns(sharing, also))
        if not rows:
            return model.objects.none().values("pk"), None
        return _union(rows), None

    return _compiled_query(user, ("visible rows", action, also), using, build)


def _excluding(part: QuerySet[Any], found: QuerySet[Any]) -> QuerySet[Any]:
    """A reach's query of case ids without the cases `found` (ids; never null, as the
    reach's own field is not)."""
    (name,) = part.query.values_select
    return part.exclude(**{f"{name}__in": found})


def _with_columns(part: QuerySet[Any], also: tuple[str, ...]) -> QuerySet[Any]:
    """A reach's query of cases (`.values("pk")`, registry.Reach) with their columns `also`
    after the id."""
    (name,) = part.query.values_select
    return part.values(name, *also)


def _read_key(user: Professional, using: str, hit: Compiled) -> tuple[int, str, str, str]:
    # The same SQL with the same parameters (the moment is a placeholder in them) reads the
    # same ids within one page.
    return (user.pk, using, hit.sql, repr(hit.params))


def ids_read_for_page(
    user: Professional, action: Action, using: str = "default"
) -> list[int] | None:
    """The ids of the cases the user may take the action on, when `read_for_page` read them
    for this page; else None (outside a page, on SQLite, not read)."""
    read = _read_for(user, action, using)
    return None if read is None else read.ids


def rows_read_for_page(
    user: Professional, action: Action, names: tuple[str, ...], using: str = "default"
) -> dict[int, tuple[Any, ...]] | None:
    """The case columns `names` of each case the user may take the action on, by id, when
    `read_for_page` read them with the ids; else None. Where it read exactly these, in this
    order, the page's own rows (not to be changed): a coordinator's 1,500 cases, no copy."""
    read = _read_for(user, action, using)
    if read is None or not set(names) <= set(read.columns):
        return None
    if read.columns == names:
        return read.values
    at = [read.columns.index(name) for name in names]
    if len(at) == 1:  # itemgetter gives one value, not a tuple of one
        (i,) = at
        return {pk: (values[i],) for pk, values in read.values.items()}
    # In C, not a generator per row: a coordinator's 1,500 cases (issue 17).
    get = itemgetter(*at)
    return {pk: get(values) for pk, values in read.values.items()}


def _read_for(user: Professional, action: Action, using: str) -> _Read | None:
    if not filters_compiled(using) or not user.is_authenticated or not user.is_active:
        return None
    hit = _visible_compiled(user, action, using)
    return None if hit is None else _read(user, using, hit)


def _read(user: Professional, using: str, hit: Compiled) -> _Read | None:
    """What `read_for_page` read for this page with this filter, if it did."""
    page = _page_visible.get()
    return None if not page else page.get(_read_key(user, using, hit))


def _ids_read(user: Professional, using: str, hit: Compiled) -> list[int] | None:
    read = _read(user, using, hit)
    return None if read is None else read.ids


#: Grants read once per page (`one_page`): (user id, case id) -> action -> roles.
_page_grants: ContextVar[dict[tuple[int, int], dict[Action, set[Role]]] | None] = ContextVar(
    "kansrijk_page_grants", default=None
)
#: The visible case ids read once per page: (user id, database, the filter's SQL and
#: parameters) -> ids (and the columns read with them).
_page_visible: ContextVar[dict[tuple[int, str, str, str], _Read] | None] = ContextVar(
    "kansrijk_page_visible", default=None
)
#: The lists' grants read within one page: (user id, action) -> case id -> roles, for every
#: case read so far (a page asks of its list twice, or of a part of it).
_page_lists: ContextVar[dict[tuple[int, Action], dict[int, set[Role]]] | None] = ContextVar(
    "kansrijk_page_lists", default=None
)


@contextmanager
def one_page() -> Iterator[None]:
    """While one page is read and rendered, an object check asks the database once per case
    for every action (the case page checks summary, full, edit, transition, export … of one
    case). Only around reads that change nothing: a service that changes a relation or a
    consent inside it would be answered from before. Nested, the outer page's answers hold
    (the gate opens one around every GET, so its own check is the page's one query)."""
    if _page_grants.get() is not None:
        yield
        return
    token = _page_grants.set({})
    lists = _page_lists.set({})
    visible = _page_visible.set({})
    picks = _page_picks.set({})
    try:
        yield
    finally:
        _page_picks.reset(picks)
        _page_visible.reset(visible)
        _page_lists.reset(lists)
        _page_grants.reset(token)


def page_checks_open() -> bool:
    """Whether the checks are read once for the page (inside `one_page`)."""
    return _page_grants.get() is not None


def granting_roles(user: Professional, case: Model | int, action: Action) -> set[Role]:
    """The roles through which the user may take the action on this case (one query; one
    for all actions within `one_page`)."""
    case_id = case if isinstance(case, int) else case.pk
    if not user.is_authenticated:
        return set()
    grants = _page_grants.get()
    if grants is None:
        return _all_actions(user, case_id)[action]
    key = (user.pk, case_id)
    if key not in grants:
        grants[key] = _all_actions(user, case_id)
    return grants[key][action]


def _all_actions(user: Professional, case_id: int) -> dict[Action, set[Role]]:
    """Every action's granting roles on one case, in one query: one condition per relation
    of each membership and one per kind of sharing, each built once, and the matrix applied
    to the answers here (a relation grants its actions when it holds, with its sharing where
    it needs one: the same as `membership_condition` per action, without building and
    compiling it once for every action; issue 17). The query is compiled once per user and
    day (`_compiled_query`), the case put in at each use, on every backend: it runs on its
    own, so SQLite's limit on nesting (`filters_compiled`) does not bind it. The gate's check of a
    write (outside `one_page`) reads it too."""
    found: dict[Action, set[Role]] = {action: set() for action in Action}
    if not user.is_active:
        return found
    using = case_model().objects.db
    hit = _compiled_query(user, ("all actions",), using, _all_actions_query)
    if hit is None:
        return found
    with connections[using].cursor() as cursor:
        cursor.execute(hit.sql, hit.filled(using, case_id))
        row = cursor.fetchone()
        names = [column[0] for column in cursor.description or ()]
        answers = dict(zip(names, row, strict=True)) if row else {}
    for role, reached, shared, actions in hit.extra:
        if answers.get(reached) and (shared is None or answers.get(shared)):
            for action in actions:
                found[action].add(role)
    return found


Grant = tuple[Role, str, str | None, frozenset[Action]]


def _all_actions_query(
    user: Professional, among: frozenset[Action] | None = None
) -> tuple[QuerySet[Any], Any]:
    """The row of one case with a boolean per relation and per kind of sharing, and which
    role's actions each grants. `among`: the rows (id first) of the cases whose ids are an
    array put in where the one case is, with only the relations that grant one of these
    actions, and the grants with the booleans' names."""
    annotations: dict[str, ExpressionWrapper] = {}
    columns: dict[tuple[str, str], str] = {}  # a condition's SQL and parameters: its column

    def column(name: str, condition: Q) -> str:
        """The column that answers `condition`: this new one, or an earlier membership's
        whose condition is the same SQL. A coordinator or SWV specialist holds a seat per
        location, and each seat asked again whether they are the contact person, a member,
        whether the consent holds...: PostgreSQL runs every column's sub-query, so three
        seats read all of it three times (issue 17)."""
        key = _condition_key(condition, name)
        if key not in columns:
            columns[key] = name
            annotations[name] = ExpressionWrapper(condition, output_field=BooleanField())
        return columns[key]

    grants: list[Grant] = []
    for index, membership in enumerate(memberships_of(user)):
        role = Role(membership.role)
        sharings: dict[Sharing, str] = {}
        for number, (relation, actions) in enumerate(MATRIX.get(role, {}).items()):
            wanted = actions and (among is None or among & set(actions))
            build = relation_filter(relation) if wanted else None
            if build is None:
                continue
            reach = build(user, membership)
            if not reach:
                continue
            reached = column(f"r{index}_{number}", reach.reaches())
            shared = None
            if reach.sharing is not None:
                if reach.sharing not in sharings:
                    sharings[reach.sharing] = column(
                        f"s{index}_{len(sharings)}", shared_with(membership, reach.sharing)
                    )
                shared = sharings[reach.sharing]
            grants.append((role, reached, shared, frozenset(actions)))
    if not annotations:
        return case_model().objects.none().values(), []
    cases = case_model().objects.filter(pk=CASE_PLACEHOLDER)
    if among is not None:
        ids = RawSQL("SELECT unnest(%s::bigint[])", (CASE_PLACEHOLDER,))
        cases = case_model().objects.filter(pk__in=ids)
    row = cases.annotate(**annotations).values(*(["pk"] if among is not None else []), *annotations)
    return row, (grants if among is None else (grants, list(annotations)))


def _condition_key(condition: Q, name: str) -> tuple[str, str]:
    """A condition on a case as its SQL and parameters, to tell two equal ones apart from
    Django's expressions (which compare by identity); one that matches nothing by `name`."""
    query = case_model().objects.filter(condition).values("pk").query
    try:
        sql, params = query.sql_with_params()
    except EmptyResultSet:
        return ("", name)
    return (sql, repr(params))


def granting_roles_per_case(
    user: Professional, case_ids: list[int], action: Action
) -> dict[int, set[Role]]:
    """The same for many cases at once, in one query (an agenda, a list with buttons)."""
    grants = _page_grants.get()
    if grants is not None and len(case_ids) == 1 and (user.pk, case_ids[0]) in grants:
        # Read already for this page (the gate's check of the case): no query. A list of
        # one case is read as a list of many is, so its queries do not depend on its length.
        return {case_ids[0]: grants[(user.pk, case_ids[0])][action]}
    if not user.is_active or not case_ids:
        return {}
    lists = _page_lists.get()
    if lists is None:
        return _granting_roles_per_case(user, case_ids, [action])[action]
    read_list_grants(user, case_ids, [action])
    known = lists[(user.pk, action)]
    return {pk: known[pk] for pk in case_ids if known.get(pk)}


def read_list_grants(user: Professional, case_ids: list[int], actions: list[Action]) -> None:
    """Within `one_page`: read the grants of several actions on a list in one query, for the
    page's later questions about it or a part of it (an agenda asks which signals may be
    read and which steps may be taken; issue 17)."""
    lists = _page_lists.get()
    if lists is None or not user.is_active:
        return
    uid = user.pk  # request.user is lazy: each attribute read costs a proxy call
    missing = {}
    for action in actions:
        known = lists.get((uid, action), {})
        missing[action] = [pk for pk in case_ids if pk not in known]
    wanted = [action for action in actions if missing[action]]
    if not wanted:
        return
    ids = sorted({pk for action in wanted for pk in missing[action]})
    found = _granting_roles_per_case(user, ids, wanted)
    for action in wanted:
        known = lists.setdefault((user.pk, action), {})
        for pk in ids:
            known[pk] = found[action].get(pk, set())


def _granting_roles_per_case(
    user: Professional, case_ids: list[int], actions: list[Action]
) -> dict[Action, dict[int, set[Role]]]:
    using = case_model().objects.db
    compiled = filters_compiled(using)
    conditions: dict[str, Q] = {}
    columns: dict[str, tuple[Action, Role]] = {}
    found: dict[Action, dict[int, set[Role]]] = {action: {} for action in actions}
    asked = False  # a membership's grants the page has not read (compiled filters)
    for a, action in enumerate(actions):
        for index, membership in enumerate(memberships_of(user)):
            if compiled:
                hit = _visible_compiled(user, action, using, membership)
                if hit is None:
                    continue  # this membership grants the action on no case
                read = _ids_read(user, using, hit)
                if read is None:
                    asked = True
                    continue
                # This membership's filter is one the page has read (a user of one
                # membership, whose list was read for an action granted alike): no query.
                role = Role(membership.role)  # once, not once per case
                for pk in set(read).intersection(case_ids):
                    found[action].setdefault(pk, set()).add(role)
                continue
            condition = membership_condition(user, membership, action)
            if condition is not None:
                name = f"a{a}m{index}"
                conditions[name] = condition
                columns[name] = (action, Role(membership.role))
    if asked:
        for action, granted in _all_actions_among(user, case_ids, actions).items():
            for pk, roles in granted.items():
                if action in found:
                    found[action].setdefault(pk, set()).update(roles)
        return found
    if not conditions:
        return found
    names = list(conditions)
    for pk, *flags in _grant_rows(using, case_ids, conditions):
        for name, grants in zip(names, flags, strict=True):
            if grants:
                action, role = columns[name]
                found[action].setdefault(pk, set()).add(role)
    return found


def _grant_rows(using: str, case_ids: list[int], conditions: dict[str, Q]) -> list[tuple[Any, ...]]:
    """(case id, granted by each condition...) of each case, where the filters are the ORM's
    conditions (SQLite); PostgreSQL reads `_all_actions_among`."""
    query = (
        case_model()
        .objects.filter(pk__in=case_ids)
        .annotate(
            **{
                name: ExpressionWrapper(condition, output_field=BooleanField())
                for name, condition in conditions.items()
            }
        )
        .values_list("pk", *conditions)
    ).query
    try:
        sql, params = query.get_compiler(using).as_sql()
    except EmptyResultSet:
        return []
    return rows_planned(sql, params, GENERIC, using)


def _all_actions_among(
    user: Professional, case_ids: list[int], actions: list[Action]
) -> dict[Action, dict[int, set[Role]]]:
    """`_all_actions` for many cases in one query (PostgreSQL, the ids one array): each
    case's row checked against each relation and sharing of the user, so that it costs the
    cases asked about. "The case is among the filter's cases" read the user's whole reach
    once for each action: a GGZ psychologist sees the 2,731 referrals to their organisation
    no worker has taken, 130 ms of database time for the 50 of a list (issue 17)."""
    found: dict[Action, dict[int, set[Role]]] = {action: {} for action in Action}
    using = case_model().objects.db
    wanted = frozenset(actions)
    build = functools.partial(_all_actions_query, among=wanted)
    hit = _compiled_query(user, ("all actions", "among", *sorted(wanted)), using, build)
    if hit is None or not case_ids:
        return found
    grants, names = hit.extra
    for pk, *flags in rows_planned(hit.sql, hit.filled(using, id_array(case_ids)), GENERIC, using):
        answers = dict(zip(names, flags, strict=True))
        for role, reached, shared, actions in grants:
            if answers.get(reached) and (shared is None or answers.get(shared)):
                for action in actions:
                    found[action].setdefault(pk, set()).add(role)
    return found


def can(user: Professional, action: Action, case: Model | int) -> bool:
    return bool(granting_roles(user, case, action))


# --- named policies: the services and pages call these, nothing decides them twice ---------


#: Pupils a role may pick when filing a signal (issue 21: need-to-know for the picker).
PICK_OWN_GROUPS = frozenset({Role.TEACHER, Role.CHILDCARE_WORKER})
PICK_WHOLE_LOCATION = frozenset({Role.INTERNAL_COACH, Role.DIRECTOR})
PICK_BY_SEARCH = frozenset({Role.SCHOOL_NURSE})
PICK_THROUGH_CASES = frozenset({Role.FAMILY_SPECIALIST, Role.EDUCATION_SPECIALIST})


@dataclass(frozen=True)
class PupilPick:
    """Which pupils a professional may pick when filing a signal: a teacher their own
    groups, the IB and director their school, the nurse only by name and date of birth
    (never a list), the SWV specialist and family specialist only pupils of families whose
    file they already read (through cases)."""

    groups: frozenset[tuple[int, str]] = frozenset()  # (location id, group name), listed
    locations: frozenset[int] = frozenset()  # whole locations, listed
    search_locations: frozenset[int] = frozenset()  # found by name + date of birth only
    through_cases: bool = False


#: The pupils each user may pick (`pupil_pick`) read within one page: user id -> pick.
_page_picks: ContextVar[dict[int, PupilPick] | None] = ContextVar(
    "kansrijk_page_picks", default=None
)


def pupil_pick(user: Professional) -> PupilPick:
    """Read once per page (`one_page`: the signal form asks twice, and a teacher's groups
    are a query per membership); outside a page on every call, so that a service sees a
    group given a moment before."""
    picks = _page_picks.get()
    if picks is None:
        return _pupil_pick(user)
    if user.pk not in picks:
        picks[user.pk] = _pupil_pick(user)
    return picks[user.pk]


def _pupil_pick(user: Professional) -> PupilPick:
    groups: set[tuple[int, str]] = set()
    locations: set[int] = set()
    search: set[int] = set()
    through_cases = False
    for m in memberships_of(user):
        role = Role(m.role)
        if role not in SIGNALLING_ROLES:
            continue
        if role in PICK_THROUGH_CASES:
            through_cases = True
        elif m.location_id is None:
            continue
        elif role in PICK_WHOLE_LOCATION:
            locations.add(m.location_id)
        elif role in PICK_BY_SEARCH:
            search.add(m.location_id)
        elif role in PICK_OWN_GROUPS:
            groups.update((m.location_id, name) for (name,) in _group_names(m))
    return PupilPick(frozenset(groups), frozenset(locations), frozenset(search), through_cases)


def _group_names(membership: Membership) -> list[tuple[str]]:
    """The names of the groups a membership teaches, through SQL compiled once (the signal
    form asks for every teacher's groups)."""
    using = membership._state.db or "default"
    group = membership._meta.get_field("groups").related_model
    assert isinstance(group, type)  # the Group model (access imports no domain app)
    return fetch(
        ("group names",),
        using,
        lambda mid: group._default_manager.using(using).filter(memberships=mid).values_list("name"),
        mid=membership.pk,
    )


def may_chair(user: Professional, *, care_meeting: bool = False) -> bool:
    """Who sets up and chairs a meeting series: the coordinator the weekly care meeting, the
    coordinator or an IB a school's support-team meeting (seed 000, seed 001)."""
    roles = roles_of(user)
    if care_meeting:
        return Role.COORDINATOR in roles
    return bool(roles & CHAIR_ROLES)


#: Who keeps a school's attention list (seed 001: the SWV specialist with the IB; the
#: coordinator may correct it). The family specialist reads it (ATTENTION_LIST_ROLES).
ATTENTION_KEEPING_ROLES = frozenset(
    {Role.INTERNAL_COACH, Role.EDUCATION_SPECIALIST, Role.COORDINATOR}
)


def attention_roles_at(user: Professional, location_id: int) -> set[Role]:
    """The user's roles on this school's attention list: only through a membership at that
    very school (need-to-know: another school's IB, SWV or GS never sees it)."""
    return {
        Role(m.role)
        for m in memberships_of(user)
        if m.location_id == location_id and Role(m.role) in ATTENTION_LIST_ROLES
    }


#: Roles that never own an action on a child's plan: they see no case files.
NO_CASE_ROLES = frozenset(role for role, grants in MATRIX.items() if not grants)


def action_owner_condition(case: Model) -> Q:
    """Who may own an action of this case's plan, as a filter on professionals: active
    colleagues at the case's child centre whose role works on case files, and the network
    workers already on the case (contact person, support team). A policy officer, an
    administrator or a stranger never becomes owner (and so is never mailed the goal)."""
    from django.contrib.auth import get_user_model

    person: Any = get_user_model()
    membership: Any = person.memberships.rel.related_model
    case_member: Any = person.case_memberships.rel.related_model
    # Sub-queries of ids, not joins: joined, the OR made PostgreSQL read every membership and
    # every support-team row of the region (40 ms a query at region scale, issue 17).
    working_roles = [role.value for role in Role if role not in NO_CASE_ROLES]
    at_centre = membership.objects.filter(
        location=case.location_id,  # type: ignore[attr-defined]
        role__in=working_roles,
    ).values("professional_id")
    on_team = case_member.objects.filter(case=case.pk).values("professional_id")
    return Q(is_active=True) & (
        Q(pk__in=at_centre)
        | Q(pk=case.contact_person_id)  # type: ignore[attr-defined]
        | Q(pk__in=on_team)
    )


def may_own_action(person: Professional, case: Model) -> bool:
    from django.contrib.auth import get_user_model

    model = get_user_model()
    return model.objects.filter(action_owner_condition(case), pk=person.pk).exists()


#: Roles that export inzage for any family (an explicit rule outside the case matrix, logged
#: as such); everyone else exports what the matrix grants EXPORT: the family's contact person.
INZAGE_OFFICER_ROLES = frozenset({Role.PRIVACY_OFFICER})


def may_export_every_case(user: Professional) -> bool:
    """The explicit inzage rule: an active privacy officer exports any family's file (also in
    the task worker, where no sign-in has checked the account)."""
    return user.is_active and bool(roles_of(user) & INZAGE_OFFICER_ROLES)


def emergency_locations(user: Professional) -> frozenset[int]:
    """Where the user can have an emergency with a child: the locations where they hold a
    role that may break the glass."""
    return frozenset(
        m.location_id
        for m in memberships_of(user)
        if Role(m.role) in EMERGENCY_ROLES and m.location_id is not None
    )


def location_wide_locations(user: Professional) -> frozenset[int]:
    """The locations whose cases the user sees in summary for the whole location (the IB,
    the director, the coordinator): there they see every child of a case at that location.
    Anyone else sees, in summary, only the child they signalled, not the family."""
    return frozenset(
        m.location_id
        for m in memberships_of(user)
        if m.location_id is not None
        and Action.SUMMARY in MATRIX.get(Role(m.role), {}).get(Relation.SAME_LOCATION, ())
    )


#: Warm handover (issue 12): who prepares one for a child of their own groups or school (the
#: childcare mentor, a teacher, the IB), and who receives one at their school (the IB and the
#: director, and the receiving teacher named on it).
HANDOVER_SENDING_ROLES = frozenset({Role.CHILDCARE_WORKER, Role.TEACHER, Role.INTERNAL_COACH})
HANDOVER_RECEIVING_ROLES = frozenset({Role.INTERNAL_COACH, Role.DIRECTOR})


@dataclass(frozen=True)
class HandoverSides:
    """Where the user works on warm handovers: `sending` locations whose handovers they see
    whole (the IB of the sending school; a mentor sees the ones they prepared), `receiving`
    locations whose incoming handovers they open, the content only with the parents' consent."""

    prepares: bool
    sending: frozenset[int]
    receiving: frozenset[int]


def handover_sides(user: Professional) -> HandoverSides:
    members = memberships_of(user)
    return HandoverSides(
        prepares=any(Role(m.role) in HANDOVER_SENDING_ROLES for m in members),
        sending=frozenset(
            m.location_id
            for m in members
            if m.role == Role.INTERNAL_COACH and m.location_id is not None
        ),
        receiving=frozenset(
            m.location_id
            for m in members
            if Role(m.role) in HANDOVER_RECEIVING_ROLES and m.location_id is not None
        ),
    )


def handover_content_shown(*, sending_side: bool, consent_given: bool) -> bool:
    """The receiving school reads what the mentor wrote only when the parents consented."""
    return sending_side or consent_given


#: Who registers their organisation's involvement with a child in the match register and reads
#: its matches (kansrijk.matches): the organisations that help a child, never the teacher alone
#: or the policy staff. A partner system's client acts in one of these roles.
INVOLVEMENT_ROLES = frozenset(
    {
        Role.DISTRICT_TEAM,
        Role.FAMILY_SPECIALIST,
        Role.SCHOOL_NURSE,
        Role.PSYCHOLOGIST,
        Role.BEHAVIOURAL_SCIENTIST,
        Role.INTERNAL_COACH,
        Role.EDUCATION_SPECIALIST,
    }
)
#: Integrated arrangements in special education (issue 16, seed 002 line 3): the special
#: school's IB and director see and keep every arrangement of their school, a teacher those of
#: the pupils of their own groups; the youth-care provider's workers those their organisation
#: provides the care in (with the parents' consent for the joint team, checked by the app);
#: the named coordinator theirs. Nobody else.
ARRANGEMENT_SCHOOL_ROLES = frozenset({Role.INTERNAL_COACH, Role.DIRECTOR})
ARRANGEMENT_TEACHER_ROLES = frozenset({Role.TEACHER})
ARRANGEMENT_PROVIDER_ROLES = frozenset({Role.CARE_PROVIDER})
ARRANGEMENT_ROLES = (
    ARRANGEMENT_SCHOOL_ROLES | ARRANGEMENT_TEACHER_ROLES | ARRANGEMENT_PROVIDER_ROLES
)


@dataclass(frozen=True)
class ArrangementSides:
    """Where the user works on integrated arrangements; the app turns this into its filter."""

    schools: frozenset[int]  # special-school locations, whole (IB, director): they keep them
    groups: frozenset[tuple[int, str]]  # (location, group name) a teacher teaches
    providers: frozenset[int]  # youth-care organisations the user works for

    @property
    def any(self) -> bool:
        return bool(self.schools or self.groups or self.providers)


def arrangement_sides(user: Professional) -> ArrangementSides:
    schools: set[int] = set()
    groups: set[tuple[int, str]] = set()
    providers: set[int] = set()
    if not user.is_authenticated or not user.is_active:
        return ArrangementSides(frozenset(), frozenset(), frozenset())
    for m in memberships_of(user):
        role = Role(m.role)
        if role in ARRANGEMENT_PROVIDER_ROLES:
            providers.add(m.organisation_id)
        elif m.location is None or m.location.kind != "special_school":
            continue
        elif role in ARRANGEMENT_SCHOOL_ROLES:
            schools.add(m.location.pk)
        elif role in ARRANGEMENT_TEACHER_ROLES:
            location = m.location.pk
            groups.update((location, name) for name in m.groups.values_list("name", flat=True))
    return ArrangementSides(frozenset(schools), frozenset(groups), frozenset(providers))


#: The dyslexia gatekeeper (EED, seed 002 line 4): the school's IB writes a pupil's file, the
#: SWV's gatekeeper assesses the submitted files of the schools where they hold that role, a
#: dyslexia care provider reads only the referrals made to it, and the municipality's youth-care
#: officer sees only the referrals it must issue a decision for (never the file).
DYSLEXIA_SCHOOL_ROLES = frozenset({Role.INTERNAL_COACH})


@dataclass(frozen=True)
class DyslexiaSides:
    schools: frozenset[int]  # locations whose files the user writes (IB)
    assessed: frozenset[int]  # school locations whose submitted files the user assesses
    providers: frozenset[int]  # organisations whose referrals the user reads
    municipalities: frozenset[int]  # organisations whose decisions the user issues


def dyslexia_sides(user: Professional) -> DyslexiaSides:
    members = memberships_of(user) if user.is_authenticated and user.is_active else []

    def located(roles: frozenset[Role]) -> frozenset[int]:
        return frozenset(
            m.location_id for m in members if Role(m.role) in roles and m.location_id is not None
        )

    def organisations(role: Role) -> frozenset[int]:
        return frozenset(m.organisation_id for m in members if m.role == role)

    return DyslexiaSides(
        schools=located(DYSLEXIA_SCHOOL_ROLES),
        assessed=located(frozenset({Role.DYSLEXIA_GATEKEEPER})),
        providers=organisations(Role.CARE_PROVIDER),
        municipalities=organisations(Role.MUNICIPALITY_OFFICER),
    )
