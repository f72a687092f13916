"""The only code that reads lists of case data; every query is filtered by the matrix."""

from __future__ import annotations

import datetime
import heapq
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter
from typing import Any, TypedDict

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models import Case as Case_
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.utils import timezone

from kansrijk.access.matrix import ATTENTION_LIST_ROLES, Action
from kansrijk.access.policies import (
    can,
    case_condition,
    filter_cases,
    filters_compiled,
    granting_roles_per_case,
    ids_read_for_page,
    location_wide_locations,
    memberships_of,
    page_checks_open,
    pupil_pick,
    read_for_page,
    rows_read_for_page,
    visible_cases,
    visible_condition,
)
from kansrijk.access.roles import Role
from kansrijk.cases.errors import NotFound
from kansrijk.cases.models import (
    Case,
    Child,
    Family,
    FamilyContact,
    Goal,
    Guardian,
    Note,
    PlanAction,
    PlanVersion,
    Referral,
    Signal,
    Step,
)
from kansrijk.cases.workflow import (
    ATTENTION_LIST_STATES,
    OPEN_STATES,
    CaseState,
    Transition,
    reported_among,
    reported_condition,
    transitions_from,
)
from kansrijk.compiled import compiled, fetch, fetch_among, id_array, ids_in, key_only
from kansrijk.core.choices import labels_now
from kansrijk.core.models import Location, Professional
from kansrijk.pg_binary import read_binary
from kansrijk.plans import CUSTOM, GENERIC, Plan, rows_planned


def stalled_before() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=settings.KANSRIJK_STALLED_AFTER_DAYS)


#: Where a list's query puts each family's children, youngest last (`family_children`).
CHILDREN_BY_AGE = "children_by_age"


def family_children(family: str = "family") -> Prefetch:
    """The children of the families at `family` (a path from the listed model), read in one
    query for the whole list into a plain list per family: a prefetch into the family's
    `children` manager makes a queryset for every family (~0.1 ms each, issue 17)."""
    return Prefetch(
        f"{family}__children",
        queryset=Child.objects.order_by("date_of_birth", "id"),
        to_attr=CHILDREN_BY_AGE,
    )


def read_children(families: Sequence[Family | None]) -> None:
    """What `family_children` does for families already read (a list's rows): their
    children, youngest last, in one query into the same list per family. On PostgreSQL
    through SQL compiled once, the family ids one array parameter (kansrijk.compiled):
    the prefetch built a filter of every id and a queryset per family, ~3 ms of CPU on an
    agenda of 50 items (issue 17)."""
    by_id: dict[int, list[Family]] = {}
    for family in families:
        if family is not None:
            by_id.setdefault(family.pk, []).append(family)
    if not by_id:
        return
    ordered = Child.objects.order_by("family_id", "date_of_birth", "id")
    children = fetch_among(("children of families",), ordered, "family_id", list(by_id))
    found: dict[int, list[Child]] = {}
    for child in children:
        found.setdefault(child.family_id, []).append(child)
    for pk, same in by_id.items():
        for family in same:
            setattr(family, CHILDREN_BY_AGE, found.get(pk, []))


def children_of(family: Family) -> list[Child]:
    """A family's children, youngest last: those `family_children` read, or a query (SQL
    compiled once: built anew it was a twentieth of a case page's CPU, issue 17)."""
    known: list[Child] | None = getattr(family, CHILDREN_BY_AGE, None)
    if known is None:
        using = family._state.db or Child.objects.db
        known = fetch(("children of",), using, _children_read, family=family.pk)
        for child in known:
            Child.family.field.set_cached_value(child, family)
    return known


def _children_read(family: int) -> QuerySet[Child]:
    return Child.objects.filter(family=family).order_by("date_of_birth", "id")


def versions_of(case: Case) -> list[PlanVersion]:
    """The case's plan versions, newest first, with who made each (the case page; the API's
    `plan_versions` reads their goals and actions too), through SQL compiled once
    (kansrijk.compiled)."""
    using = case._state.db or PlanVersion.objects.db
    plans: list[PlanVersion] = fetch(("plan versions",), using, _versions_read, case=case.pk)
    for plan in plans:
        PlanVersion.case.field.set_cached_value(plan, case)
    return plans


def _versions_read(case: int) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(case=case).select_related("created_by")


def plan_parts(plan: PlanVersion) -> tuple[list[Goal], list[PlanAction]]:
    """One version's goals and actions in their order, the actions with their owner,
    through SQL compiled once: the case page's plan built these queries (a prefetch) on
    every view, a tenth of its CPU (issue 17)."""
    using = plan._state.db or Goal.objects.db
    goals: list[Goal] = fetch(("plan goals",), using, _goals_read, plan=plan.pk)
    actions: list[PlanAction] = fetch(("plan actions",), using, _actions_read, plan=plan.pk)
    return goals, actions


def _goals_read(plan: int) -> QuerySet[Goal]:
    return Goal.objects.filter(plan=plan)


def _actions_read(plan: int) -> QuerySet[PlanAction]:
    return PlanAction.objects.filter(plan=plan).select_related("owner")


def _with_list_data(queryset: QuerySet[Case]) -> QuerySet[Case]:
    return queryset.select_related("family", "location", "contact_person").prefetch_related(
        family_children()
    )


def cases_visible_to(
    user: Professional,
    *,
    action: Action = Action.EXISTS,
    states: frozenset[str] | None = None,
    location: Location | None = None,
) -> QuerySet[Case]:
    """Cases the user may see, stalled first among equal priority, newest step last."""
    queryset = filter_cases(Case.objects.all(), user, action)
    if states is not None:
        queryset = queryset.filter(state__in=states)
    if location is not None:
        queryset = queryset.filter(location=location)
    return _with_list_data(queryset).order_by("priority", "last_step_at", "id")


#: A contact person's columns that no list shows (a row names the person; the case page,
#: which also shows the phone, reads the whole row): neither read nor parsed per row of a
#: list (a password hash and two timestamps a row, issue 17).
CONTACT_UNSHOWN = ("password", "last_login", "date_joined", "email", "phone", "is_superuser",
                   "is_staff")  # fmt: skip


def named_contact(queryset: QuerySet[Any], path: str = "contact_person") -> QuerySet[Any]:
    """`queryset` with the contact person at `path` read as far as a list names them."""
    return queryset.defer(*(f"{path}__{name}" for name in CONTACT_UNSHOWN))


class _Where(TypedDict, total=False):
    """`cases_page`'s optional narrowing, as `compiled_list`'s ids."""

    location: int


def cases_page(
    user: Professional,
    *,
    action: Action,
    states: frozenset[str] | None,
    location: Location | None,
    offset: int,
    limit: int,
) -> tuple[int, list[Case]]:
    """A page of `cases_visible_to` and the length of the whole list, in one query compiled
    once (`compiled_list`; the API's list of cases): the ORM built, compiled and turned into
    instances a queryset with its count and a prefetch on every call, ~5 ms of CPU a page
    (issue 17). The families are their ids, with their children read after
    (`read_children`). An empty page past the end (or of no length) counts the list on its
    own."""
    rows = rows_read_for_page(user, action, page_columns(location))
    if rows is not None:
        return _page_ranked_in_page(user, action, rows, states, location, offset, limit)
    where: _Where = {"location": location.pk} if location is not None else {}

    def build(
        uid: int, visible: Visible, first: int, last: int, location: int = 0
    ) -> QuerySet[Case]:
        queryset = Case.objects.filter(visible("pk"))
        if states is not None:
            queryset = queryset.filter(state__in=sorted(states))
        if where:
            queryset = queryset.filter(location=location)
        order = ["priority", "last_step_at", "id"]
        return (
            named_contact(queryset.select_related("location", "contact_person"))
            .order_by(*order)
            .annotate(rank=Window(RowNumber(), order_by=order), total=Window(Count("id")))
            .filter(rank__gt=first, rank__lte=last)
        )

    key = ("cases page", tuple(sorted(states)) if states is not None else None, bool(where))
    # Ranked over the ids of the user's whole list: planned for how many there are.
    cases: list[Case] = compiled_list(
        user, action, key, build, per_user=False, plan=CUSTOM,
        first=offset, last=offset + limit, **where,
    )  # fmt: skip
    read_children([_family_by_id(case) for case in cases])
    if cases:
        return cases[0].total, cases  # type: ignore[attr-defined]
    if offset == 0 and limit > 0:
        return 0, cases
    return cases_visible_to(user, action=action, states=states, location=location).count(), cases


def page_columns(location: Location | None) -> tuple[str, ...]:
    """The case columns `cases_page` narrows and ranks by, for the page's read of the ids
    (`read_for_page(also=...)`). The location only when the list is narrowed to one: both
    reach indexes hold the others, and a contact person's does not hold the location."""
    return RANKED_COLUMNS if location is None else (*RANKED_COLUMNS, "location")


def _page_ranked_in_page(
    user: Professional,
    action: Action,
    rows: dict[int, tuple[Any, ...]],
    states: frozenset[str] | None,
    location: Location | None,
    offset: int,
    limit: int,
) -> tuple[int, list[Case]]:
    """`cases_page` from the columns the page read with the ids (`page_columns`): narrowed,
    counted and ranked here in the list's order (priority, last step, id), and only the
    page's cases read whole. Ranked in the database, every case of the user's list was
    looked up again for its place: a school's 500 cases, 1,500 buffers and 2.5 ms a page
    at region scale 1.0 (issue 17)."""
    place = None if location is None else location.pk
    keys = [
        (priority, step, pk)
        for pk, (state, priority, step, *at) in rows.items()
        if (states is None or state in states) and (place is None or at[0] == place)
    ]
    keys.sort()
    shown = [key[2] for key in keys[offset : offset + limit]]
    if not shown:
        return len(keys), []

    def build(uid: int, visible: Visible) -> QuerySet[Case]:
        return named_contact(
            Case.objects.filter(visible("pk")).select_related("location", "contact_person")
        )

    read = compiled_list(user, action, ("cases page, ranked",), build, per_user=False, among=shown)
    by_id = {case.pk: case for case in read}
    cases = [by_id[pk] for pk in shown if pk in by_id]
    read_children([_family_by_id(case) for case in cases])
    return len(keys), cases


def case_for(user: Professional, case_id: int, action: Action = Action.SUMMARY) -> Case:
    """One case, or NotFound when it does not exist or the user may not take the action.
    Within one page (every GET) the page's checks, read once, decide; then the case is
    read by its id alone, through SQL compiled once (building and compiling the query with
    its Veilig Thuis annotation cost every case page ~2 ms of CPU, issue 17)."""
    if page_checks_open():
        if not can(user, action, case_id):
            raise NotFound
        found = fetch(("case for",), Case.objects.db, _case_read, pk=case_id)
        case = found[0] if found else None
    else:
        case = filter_cases(_case_read(case_id), user, action).first()
    if case is None:
        raise NotFound
    return case


def _case_read(pk: int) -> QuerySet[Case]:
    """A case with what its page shows at once: family, location, contact person, and
    whether a report to Veilig Thuis is known."""
    return (
        Case.objects.filter(pk=pk)
        .select_related("family", "location", "contact_person")
        .annotate(vt_reported=reported_known("pk"))
        .order_by()
    )


def reported_known(case_ref: str) -> ExpressionWrapper:
    """Whether the case at `case_ref` has a report to Veilig Thuis recorded, read with it:
    its page then offers the rows after a report without a query of their own."""
    return ExpressionWrapper(reported_condition(case_ref), output_field=BooleanField())


#: P1 as a literal in SQL (`signals_by`).
SAFETY_LITERAL = RawSQL(str(int(Case.Priority.SAFETY)), ())  # noqa: S611 - a constant


def _safety_first(prefix: str = "") -> Case_:
    """0 for a P1 (safety) case, 1 otherwise: P1 stands on top of every list."""
    return Case_(
        When(**{f"{prefix}priority": Case.Priority.SAFETY}, then=Value(0)), default=Value(1)
    )


def _bounded(queryset: QuerySet[Case], bound: int, partition: Any) -> QuerySet[Case]:
    """The first `bound` cases of the list (of each `partition` of it), in one query: each
    case carries `total`, the length of its whole list (partition), so that a page shows a
    bounded list and says how many there are (issue 17: my work at region scale)."""
    order: list[Any] = list(queryset.query.order_by)  # Window takes "-field" strings too
    over = [partition] if partition is not None else None
    return queryset.annotate(
        rank=Window(RowNumber(), partition_by=over, order_by=order),
        total=Window(Count("id"), partition_by=over),
    ).filter(rank__lte=bound)


def _mine_first(uid: int) -> Case_:
    """1 for a case the user is contact person of, 0 otherwise (a partition of `_bounded`)."""
    return Case_(When(contact_person_id=uid, then=Value(1)), default=Value(0))


def open_bounded(user: Professional, action: Action, bound: int, by: str) -> list[Case]:
    """My work's lists: the first `bound` open cases the user may take the action on, of
    each part of the list, with the list data (`_with_list_data`) and `rank` and `total`
    (`_bounded`). `by`: "state" (an IB's pupils per state), "mine" (a worker's own cases,
    then the team's) or "stalled" (a coordinator's: P1, then the stalled ones on top, one
    list)."""

    def build(uid: int, visible: Visible) -> QuerySet[Case]:
        return _bounded(_open_in_order(visible, by), bound, _partition(by, uid))

    ranked = _ranked_in_page(user, action, bound, by)
    if ranked is not None:
        # Ranked from the columns the page read with the ids: the list reads its cases alone.
        first, places = ranked
        cases: list[Case] = compiled_list(
            user, action, ("open first", by), lambda uid, visible: _open_in_order(visible, by),
            per_user=False, among=first,
        )  # fmt: skip
        for case in cases:
            case.rank, case.total = places[case.pk]  # type: ignore[attr-defined]
    else:
        # Ranked over the ids of the user's whole list, or of its open cases when the page
        # read their states with the ids (`read_for_page`): planned for how many there are.
        states = rows_read_for_page(user, action, ("state",))
        among = None if states is None else [pk for pk, (s,) in states.items() if s in OPEN_STATES]
        cases = compiled_list(
            user, action, ("open bounded", by, bound), build,
            per_user=by == "mine", plan=CUSTOM, among=among,
        )  # fmt: skip
    read_children([_family_by_id(case) for case in cases])
    return cases


def _open_in_order(visible: Visible, by: str) -> QuerySet[Case]:
    queryset = named_contact(
        Case.objects.filter(visible("pk"), state__in=OPEN_STATES).select_related(
            "location", "contact_person"
        )
    )
    if by == "stalled":  # P1 (safety) first, then the longest without a step
        return queryset.order_by(_safety_first(), "last_step_at", "priority", "id")
    return queryset.order_by("priority", "last_step_at", "id")


def _partition(by: str, uid: int) -> Any:
    return {"state": F("state"), "mine": _mine_first(uid), "stalled": None}[by]


#: The case columns my work reads with the ids (`read_for_page(also=...)`): the counts per
#: state, and its lists ranked from them (`_ranked_in_page`); a worker's parts are their own
#: cases and the team's (`MINE_COLUMNS`).
RANKED_COLUMNS = ("state", "priority", "last_step_at")
MINE_COLUMNS = (*RANKED_COLUMNS, "contact_person")


def _ranked_in_page(
    user: Professional, action: Action, bound: int, by: str
) -> tuple[list[int], dict[int, tuple[int, int]]] | None:
    """The ids of the first `bound` open cases of each part of the list, and each one's
    place (rank, total of its part), ranked in the order of `_open_in_order` from the
    columns the page read with the ids (`RANKED_COLUMNS`, `MINE_COLUMNS` for "mine"); None
    where it did not read them. A coordinator's ranked list looked up every one of ~700 open
    cases again to rank them, 2,200 buffers a page at region scale 1.0 (issue 17); the cases
    are read the once, with the ids."""
    rows = rows_read_for_page(user, action, MINE_COLUMNS if by == "mine" else RANKED_COLUMNS)
    if rows is None:
        return None
    parts: dict[Any, list[tuple[Any, ...]]] = {}
    safety, uid = Case.Priority.SAFETY, user.pk
    for pk, (state, priority, step, *contact) in rows.items():
        if state not in OPEN_STATES:
            continue
        if by == "stalled":  # one list
            parts.setdefault(None, []).append((priority != safety, step, priority, pk))
        else:  # the id last
            part = state if by == "state" else contact[0] == uid
            parts.setdefault(part, []).append((priority, step, pk))
    first: list[int] = []
    places: dict[int, tuple[int, int]] = {}
    for keys in parts.values():
        for rank, key in enumerate(heapq.nsmallest(bound, keys), start=1):
            first.append(key[-1])
            places[key[-1]] = (rank, len(keys))
    return first, places


def _family_by_id(case: Case) -> Family:
    """The case's family as its id alone (any other field is read when asked for): a list's
    rows need only its children. Joined in the ranked query, every family of the user's
    whole list was read and sorted to keep a page of them; the join grew with the region
    (a scan of all families, issue 17)."""
    family = key_only(Family, Case.objects.db, case.family_id)
    Case.family.field.set_cached_value(case, family)
    return family


def my_actions(user: Professional, bound: int) -> list[PlanAction]:
    """The first `bound` open plan actions the user owns (`actions_owned_by`), each with
    `total`, the number of them all; SQL compiled once per process (kansrijk.compiled), with
    the plan PostgreSQL keeps: planned anew it cost every my-work page 0.65 ms of planning,
    and the kept plan runs as fast or faster (a teacher 1.85 → 1.52 ms, an IB's 475 actions
    4.0 ms either way; region at 0.05).

    The first `bound` and the total are taken from the live, undone actions alone, in the
    order of their partial index (`plan_action_live_owner`), and only those first are joined
    to their version and case and checked: checking all of them for a total cost an IB at
    region scale 1.0 1,916 buffers a page for 25 rows (issue 17). The services keep `live`
    true to the checks; a row written past them is still kept off the list, and only the
    total would count it."""
    return fetch(
        ("my actions", bound),
        PlanAction.objects.db,
        lambda uid: _first_live_actions(uid, bound),
        GENERIC,
        uid=user.pk,
    )


def _first_live_actions(uid: int, bound: int) -> QuerySet[PlanAction]:
    live = PlanAction.objects.filter(owner=uid, live=True, done=False)
    first = live.order_by("due_date", "id").values("id")[:bound]
    total = live.order_by().values("owner").annotate(n=Count("id")).values("n")
    return actions_owned_by(uid).filter(id__in=first).annotate(total=Subquery(total))


def signals_by(user: Professional, first: int) -> list[Signal]:
    """The first `first` of the user's own signals, with the state of the case each one
    opened or joined; those on a P1 (safety) case first, then the newest. `may_open`: whether
    the case page answers for the user, so that the list never links to a 404 (issue 14).

    Only the candidates are joined and sorted: the newest `first` (an index) and those on a
    P1 case (a few): a teacher with thousands of signals costs what `first` cost, not a join
    of all of them with the region's children (issue 17)."""

    def build(uid: int, visible: Visible | None) -> QuerySet[Signal]:
        own = Signal.objects.filter(author=uid)
        newest = own.order_by("-created_at", "-id").values("pk")[:first]
        # P1 written into the SQL, not a parameter: a plan kept for any parameter would
        # not know it is the few cases of the partial index (case_safety_first).
        on_safety = own.filter(case__priority=SAFETY_LITERAL).values("pk")
        if connections[own.db].features.supports_slicing_ordering_in_compound:
            among = Q(pk__in=newest.union(on_safety))  # PostgreSQL plans an OR as a scan of all
        else:
            among = Q(pk__in=newest) | Q(pk__in=on_safety)  # SQLite: no LIMIT in a UNION
        signals = named_contact(Signal.objects.filter(among), "case__contact_person")
        if visible is not None:
            openable = ExpressionWrapper(visible("case_id"), output_field=BooleanField())
            signals = signals.annotate(may_open=openable)
        return signals.select_related("child", "case", "case__contact_person").order_by(
            _safety_first("case__"), "-created_at", "-id"
        )[:first]

    read = ids_read_for_page(user, Action.SUMMARY)
    if read is None:  # the API: planning its access filter cost 2.5-3 ms, running it 0.4
        return compiled_list(user, Action.SUMMARY, ("signals by", first), build, plan=GENERIC)
    # The page read the cases the user may open: whether a signal's case is one of them is
    # answered here, and the query holds the user's id alone. With the ids in it PostgreSQL
    # planned it anew on every view (1.3 ms, as long as running it), and the plan it would
    # keep for an array of unknown length is far slower.
    signals = fetch(
        ("signals by, openable known", first),
        Signal.objects.db,
        lambda uid: build(uid, None),
        GENERIC,
        uid=user.pk,
    )
    openable = set(read)
    for signal in signals:
        signal.may_open = signal.case_id in openable
    return signals


#: "The case at this field is one the user may take the action on" (`compiled_list`).
Visible = Callable[[str], Q]


def compiled_list(
    user: Professional,
    action: Action,
    key: tuple[Any, ...],
    build: Callable[..., QuerySet[Any]],
    *,
    per_user: bool = True,
    plan: Plan | None = None,
    among: list[int] | None = None,
    **ids: int,
) -> list[Any]:
    """`build(user id, visible, **ids)` listed, where `visible(field)` is the condition "the
    case at `field` is one the user may take the action on". On PostgreSQL through SQL
    compiled once per key and access filter (kansrijk.compiled; the filter's SQL is part of
    the key, its parameters, the user's id and `ids` are put in at each call): building and
    compiling a list's ORM query cost 1-4 ms of CPU a page, more than the database spent
    running it (issue 17). `build` must depend on nothing but its arguments and `key`;
    `per_user`: whether its SQL holds the user's id (apart from the filter's); `plan`: how
    PostgreSQL plans it (kansrijk.plans); `among`: on PostgreSQL, the ids of the cases the
    user may take the action on that the list can show (a part of those the page read)."""
    using = "default"
    visible: RawSQL | None = None
    if filters_compiled(using):
        visible = visible_cases(user, action, using) if among is None else ids_in(among)
    if visible is None or not user.is_active:

        def condition(field: str) -> Q:
            if field == "pk" and not filters_compiled(using):
                return case_condition(user, action)  # inline, as filter_cases (SQLite)
            return visible_condition(user, action, field, using)

        return list(build(user.pk, condition, **ids))
    values: dict[str, int | RawSQL] = {"visible": visible, **ids}
    if per_user:
        values["uid"] = user.pk

    def build_compiled(visible: RawSQL, uid: int = 0, **ids: int) -> QuerySet[Any]:
        return build(uid, lambda field: Q(**{f"{field}__in": visible}), **ids)

    return fetch((*key, action), using, build_compiled, plan, **values)


def referrals_to(user: Professional) -> QuerySet[Referral]:
    """The referrals to the user's function at their organisation (a role × organisation of
    their memberships): open ones first, then the ones they took; those another worker took
    are theirs alone (cases.relations.referral_recipient)."""
    functions = Q(pk__in=[])
    for m in memberships_of(user):
        functions |= Q(target=m.role, organisation_id=m.organisation_id)
    return (
        Referral.objects.filter(functions)
        .filter(Q(worker__isnull=True) | Q(worker=user))
        .select_related("case", "case__location", "organisation", "worker")
        .order_by(
            Case_(When(answer=Referral.Answer.PENDING, then=Value(0)), default=Value(1)),
            "-created_at",
            "-id",
        )
    )


def actions_owned_by(user: Professional | int, *, open_only: bool = True) -> QuerySet[PlanAction]:
    """Plan actions assigned to the user (or the user of this id) in the current plan
    version of each case."""
    current_number = (
        PlanVersion.objects.filter(case=OuterRef("plan__case"))
        .order_by("-number")
        .values("number")[:1]
    )
    queryset = PlanAction.objects.filter(owner=user, plan__number=Subquery(current_number))
    if open_only:  # read from the live ones (`plan_action_live_owner`), checked as before
        queryset = queryset.filter(live=True, done=False, plan__case__state__in=OPEN_STATES)
    return queryset.select_related("plan", "plan__case").order_by("due_date", "id")


def pupils_for_signal(
    user: Professional,
    *,
    name: str = "",
    date_of_birth: datetime.date | None = None,
    searchable: bool = False,
) -> QuerySet[Child]:
    """Pupils the user may pick when filing a signal (access.policies.pupil_pick): a
    teacher's own groups, the school for the IB, the families whose file the family and SWV
    specialists read; the nurse's pupils only when `name` and `date_of_birth` find them.
    `searchable` also admits those the user could find by search (a service's check)."""
    pick = pupil_pick(user)
    more = Q(pk__in=[])
    if pick.search_locations:
        if searchable:
            more |= Q(location__in=pick.search_locations)
        elif name.strip() and date_of_birth is not None:
            term = name.strip()
            more |= Q(
                Q(given_name__icontains=term) | Q(family_name__icontains=term),
                location__in=pick.search_locations,
                date_of_birth=date_of_birth,
            )
    if pick.through_cases:
        # The list and its count (the API's page, the form's picker) take the cases read
        # once: each computed the user's cases anew, 10-13 ms for a specialist of the
        # SWV's 991 cases at region scale 1.0 (issue 17). Outside a page, nothing is read.
        read_for_page(user, Action.FULL)
        seen = filter_cases(Case.objects.filter(family=OuterRef("family")), user, Action.FULL)
        more |= Q(Exists(seen))
    return _pupils(sorted(pick.groups), sorted(pick.locations), more).select_related("location")


def _pupils(
    groups: Sequence[tuple[Any, Any]], locations: Sequence[Any], more: Q | None = None
) -> QuerySet[Child]:
    """The pupils of these groups (location, name) and locations, and those `more` admits,
    who have not left: the groups first (issue 14: a teacher's class, a childcare group),
    then by group and name."""
    own = Q(pk__in=[])
    for location_id, group in groups:
        own |= Q(location=location_id, group=group)
    condition = own | Q(location__in=locations) if locations else own
    if more is not None:
        condition |= more
    return (
        Child.objects.filter(condition, left_on__isnull=True)
        .annotate(own_group=Case_(When(own, then=Value(0)), default=Value(1)))
        .order_by("own_group", "group", "family_name", "given_name", "id")
    )


def picker_rows(user: Professional, first: int) -> list[tuple[int, str, str, str]] | None:
    """The first `first` pupils of `pupils_for_signal(user)` without a search, as the
    signal form's picker lists them (id, given name, family name, group), through SQL
    compiled once per number of groups and locations (kansrijk.compiled): built and
    compiled anew, the query was a fifth of the form's CPU (issue 17). The groups stay
    conditions of their own, which the index of a location's groups answers (as arrays
    joined they were a scan of the region's children). None where the pick reaches pupils
    through the user's cases (its access filter) or on SQLite: the caller reads
    `pupils_for_signal`."""
    pick = pupil_pick(user)
    using = Child.objects.db
    if pick.through_cases or connections[using].vendor != "postgresql":
        return None
    groups, locations = sorted(pick.groups), sorted(pick.locations)
    if not groups and not locations:
        return []
    values: dict[str, Any] = {}
    for i, (location_id, group) in enumerate(groups):
        values[f"at{i}"], values[f"group{i}"] = location_id, group
    for i, location_id in enumerate(locations):
        values[f"place{i}"] = location_id
    # Stand-ins no real call passes: negative ids, a group name with a NUL character.
    blanks = {key: (f"\x00{key}" if key.startswith("group") else -1 - i)
              for i, key in enumerate(values)}  # fmt: skip

    def build(**blank: Any) -> QuerySet[Any]:
        pairs = [(blank[f"at{i}"], blank[f"group{i}"]) for i in range(len(groups))]
        places = [blank[f"place{i}"] for i in range(len(locations))]
        rows = _pupils(pairs, places).values_list("pk", "given_name", "family_name", "group")
        return rows[:first]

    key = ("picker rows", first, len(groups), len(locations))
    return compiled(key, using, build, **blanks).fetch(using, **values)


def pupils_named(pupils: QuerySet[Child], term: str) -> QuerySet[Child]:
    """Narrow the signal form's pupils by part of a name (the picker's search, no JavaScript
    needed: a GET form on the same page)."""
    for word in term.split()[:3]:
        pupils = pupils.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    return pupils


def children_shown(
    user: Professional,
    cases: list[Case],
    *,
    signalled: set[tuple[int, int]] | None = None,
) -> dict[int, list[Child]]:
    """Which of the family's children each case shows to the user (issue 21, leaks 3 and 5):
    with the full file every child; in summary only the children the user signalled, and at
    the locations they oversee (access.policies.location_wide_locations) the children there
    — never a sibling who is none of their business. Sets `case.shown_children`; at most
    two queries. `signalled`: the (case, child) pairs the user signalled, when the caller
    has read them already (the agenda reads them with the children its signals are about)."""
    if not cases:
        return {}
    full = granting_roles_per_case(user, [c.pk for c in cases], Action.FULL)
    locations = location_wide_locations(user)
    summary_only = [c.pk for c in cases if not full.get(c.pk)]
    if signalled is None:
        signalled = _signalled_on(user, summary_only) if summary_only else set()
    shown: dict[int, list[Child]] = {}
    for case in cases:
        children = children_of(case.family)
        if not full.get(case.pk):
            children = [
                c for c in children if (case.pk, c.pk) in signalled or c.location_id in locations
            ]
        case.shown_children = children  # type: ignore[attr-defined]
        shown[case.pk] = children
    return shown


def _signalled_on(user: Professional, case_ids: list[int]) -> set[tuple[int, int]]:
    """The (case, child) pairs the user signalled on these cases; on PostgreSQL through SQL
    compiled once, the ids an array (a coordinator's list asked the ORM to build it anew)."""

    def build(uid: int, among: Any) -> QuerySet[Any]:
        return Signal.objects.filter(author=uid, case__in=among).values_list("case_id", "child_id")

    if not filters_compiled(Signal.objects.db):
        return set(build(user.pk, case_ids))
    rows = fetch(("signalled on",), Signal.objects.db, build, uid=user.pk, among=ids_in(case_ids))
    return set(rows)


@dataclass
class SignalShown:
    """One signal as the viewer may read it: with the full file (or as its author) what the
    signaller wrote; in summary only what it is about and how urgent it is (issue 14)."""

    pk: int
    child: Child | None  # None where the child may not be named (an anonymous agenda item)
    domain: str
    domain_label: str
    urgency: str
    urgency_label: str
    created_at: datetime.datetime
    description: str | None
    author: str | None


#: Signals shown per case in a list (an agenda, the attention list, my work): the newest,
#: with how many more the case page holds. The case page shows `SIGNALS_PER_CASE_PAGE`.
SIGNALS_PER_CASE = 3
SIGNALS_PER_CASE_PAGE = 50


def _shown_pairs(cases: list[Case]) -> list[tuple[int, int]]:
    """The (case, child) pairs whose signals a list shows: each case with the children it
    shows the user (children_shown)."""
    return [
        (case.pk, child.pk)
        for case in cases
        for child in case.shown_children  # type: ignore[attr-defined]
    ]


#: The newest signals per case with how many the case holds, and their author's name. On
#: PostgreSQL the (case, child) pairs come as two arrays, so that the SQL is the same for
#: every list and compiled once; each pair reads its newest signals and its count from the
#: index `signal_case_child_newest` alone, and only the kept rows are read whole. Ranking
#: every signal of the cases instead sorted ~1,500 signals to keep the 75 of an agenda of 25
#: cases (1.8 against 0.7 ms in PostgreSQL at region scale; docs/operations.md, stop 61).
_NEWEST_SIGNALS_PG = """
    WITH pair (case_id, child_id) AS (SELECT * FROM unnest(%s::bigint[], %s::bigint[])),
    newest AS (
        SELECT pair.case_id, top.id,
               ROW_NUMBER() OVER (PARTITION BY pair.case_id
                                  ORDER BY top.created_at DESC, top.id DESC) AS rank
        FROM pair CROSS JOIN LATERAL (
            SELECT id, created_at FROM {signal}
            WHERE case_id = pair.case_id AND child_id = pair.child_id
            ORDER BY created_at DESC, id DESC LIMIT %s
        ) top
    ),
    total AS (
        SELECT pair.case_id, SUM((
            SELECT COUNT(*) FROM {signal}
            WHERE case_id = pair.case_id AND child_id = pair.child_id
        ))::bigint AS total
        FROM pair GROUP BY pair.case_id
    )
    SELECT s.id, s.case_id, s.child_id, s.author_id, s.domain, s.urgency, s.description,
           s.created_at, total.total, p.first_name, p.last_name, p.username
    FROM newest
    JOIN total ON total.case_id = newest.case_id
    JOIN {signal} s ON s.id = newest.id
    JOIN {person} p ON p.id = s.author_id
    WHERE newest.rank <= %s
    ORDER BY s.case_id, s.created_at DESC, s.id DESC
"""

#: The same elsewhere (SQLite): the signals ranked per case over the pairs' signals, then
#: joined to their authors for the kept rows only.
_NEWEST_SIGNALS = """
    SELECT s.id, s.case_id, s.child_id, s.author_id, s.domain, s.urgency, s.description,
           s.created_at, r.total, p.first_name, p.last_name, p.username
    FROM (
        SELECT id, total FROM (
            SELECT {signal}.id,
                   ROW_NUMBER() OVER (PARTITION BY {signal}.case_id
                                      ORDER BY {signal}.created_at DESC, {signal}.id DESC) AS rank,
                   COUNT(*) OVER (PARTITION BY {signal}.case_id) AS total
            FROM {signal} WHERE {about}
        ) ranked WHERE rank <= %s
    ) r
    JOIN {signal} s ON s.id = r.id
    JOIN {person} p ON p.id = s.author_id
    ORDER BY s.case_id, s.created_at DESC, s.id DESC
"""


def _newest_signals(pairs: list[tuple[int, int]], newest: int) -> list[tuple[Any, ...]]:
    """The rows of `_NEWEST_SIGNALS_PG` (or `_NEWEST_SIGNALS`) for the signals about `pairs`,
    their moment converted as the ORM converts it (SQLite keeps it naive)."""
    quote = connection.ops.quote_name
    tables = {"signal": quote(Signal._meta.db_table), "person": quote(Professional._meta.db_table)}
    params: list[Any]
    if connection.vendor == "postgresql":
        sql = _NEWEST_SIGNALS_PG.format(**tables)
        cases, children = id_array(c for c, _ in pairs), id_array(c for _, c in pairs)
        params = [cases, children, newest, newest]
    else:
        # Per pair `case_id = … AND child_id = …`: only the quoted table, fixed column names
        # and placeholders are written; every id is a parameter.
        condition = f"({tables['signal']}.case_id = %s AND {tables['signal']}.child_id = %s)"
        about = " OR ".join([condition] * len(pairs))
        sql = _NEWEST_SIGNALS.format(about=about, **tables)
        params = [*(pk for pair in pairs for pk in pair), newest]
    created = Signal._meta.get_field("created_at").get_col(Signal._meta.db_table)
    converters = connection.ops.get_db_converters(created)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            read_binary(cursor)  # the moments in C, not parsed from text (kansrijk.pg_binary)
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not converters:
        return rows
    converted = []
    for row in rows:
        at = row[7]
        for convert in converters:
            at = convert(at, created, connection)
        converted.append((*row[:7], at, *row[8:]))
    return converted


def signals_shown(
    user: Professional, cases: list[Case], *, newest: int = SIGNALS_PER_CASE
) -> dict[int, list[SignalShown]]:
    """The newest `newest` signals about the children each case shows the user
    (children_shown), newest first, at the level the matrix grants. Sets
    `case.shown_signals` and `case.more_signals` (how many older ones are not shown); at most
    three queries, whatever the number of signals (issue 17)."""
    if not cases:
        return {}
    for case in cases:
        if not hasattr(case, "shown_children"):
            children_shown(user, cases)
            break
    full = granting_roles_per_case(user, [c.pk for c in cases], Action.FULL)
    pairs = _shown_pairs(cases)
    rows = _newest_signals(pairs, newest) if pairs else []
    shown: dict[int, list[SignalShown]] = {c.pk: [] for c in cases}
    children = {
        child.pk: child
        for case in cases
        for child in case.shown_children  # type: ignore[attr-defined]
    }
    totals: dict[int, int] = {}
    domains, urgencies = labels_now(Signal, "domain"), labels_now(Signal, "urgency")
    for pk, case_id, child_id, author_id, domain, urgency, text, at, total, *name in rows:
        totals[case_id] = total
        readable = bool(full.get(case_id)) or author_id == user.pk
        shown[case_id].append(
            SignalShown(
                pk=pk,
                child=children[child_id],
                domain=domain,
                domain_label=domains.get(domain, domain),
                urgency=urgency,
                urgency_label=urgencies.get(urgency, urgency),
                created_at=at,
                description=text if readable else None,
                author=Professional.name_of(*name) if readable else None,
            )
        )
    for case in cases:
        case.shown_signals = shown[case.pk]  # type: ignore[attr-defined]
        case.more_signals = totals.get(case.pk, 0) - len(shown[case.pk])  # type: ignore[attr-defined]
    return shown


def attention_list_locations(user: Professional) -> list[Location]:
    ids = {
        m.location_id
        for m in memberships_of(user)
        if m.role in ATTENTION_LIST_ROLES and m.location_id is not None
    }
    # One SQL for any number of schools, compiled once (built anew: 3 % of the list's CPU).
    by_name = Location.objects.order_by("name")
    return fetch_among(("attention locations",), by_name, "pk", sorted(ids))


def attention_list(user: Professional, location: Location) -> QuerySet[Case]:
    """Seed 001: the pupils that need extra attention at one school, as the user may see them."""
    return cases_visible_to(
        user, action=Action.SUMMARY, states=ATTENTION_LIST_STATES, location=location
    )


def state_counts(user: Professional) -> dict[str, int]:
    """How many cases the user may know of, per state; counted over the ids of all of them,
    so planned for how many there are (kansrijk.plans). On PostgreSQL through SQL compiled
    once per access filter (`compiled_list`'s way): the ORM built it on every my work."""
    using = Case.objects.db
    states = rows_read_for_page(user, Action.EXISTS, ("state",), using)
    if states is not None:  # read with the ids for this page: counted here
        counted = Counter(map(itemgetter(0), states.values()))
        return {state.value: counted.get(state.value, 0) for state in CaseState}
    if filters_compiled(using) and user.is_authenticated and user.is_active:
        visible = visible_cases(user, Action.EXISTS, using)
        counts = (
            {}
            if visible is None
            else dict(
                fetch(
                    ("state counts",),
                    using,
                    lambda among: (
                        Case.objects.filter(pk__in=among)
                        .values_list("state")
                        .annotate(n=Count("id"))
                    ),
                    CUSTOM,
                    among=visible,
                )
            )
        )
    else:
        query = filter_cases(Case.objects.all(), user, Action.EXISTS).values_list("state")
        query = query.annotate(n=Count("id"))
        try:
            sql, params = query.query.get_compiler(using).as_sql()
        except EmptyResultSet:
            counts = {}
        else:
            counts = dict(rows_planned(sql, params, CUSTOM, using))
    return {state.value: counts.get(state.value, 0) for state in CaseState}


def caseload(user: Professional) -> QuerySet[Case]:
    """A family specialist's or other worker's open cases where they are contact person."""
    return _with_list_data(
        Case.objects.filter(contact_person=user, state__in=OPEN_STATES)
    ).order_by("priority", "last_step_at")


def primary_role(user: Professional) -> Role | None:
    order = [
        Role.COORDINATOR,
        Role.INTERNAL_COACH,
        Role.FAMILY_SPECIALIST,
        Role.EDUCATION_SPECIALIST,
        Role.DIRECTOR,
        Role.TEACHER,
    ]
    roles = {Role(m.role) for m in memberships_of(user)}
    for role in order:
        if role in roles:
            return role
    return next(iter(sorted(roles)), None)


def allowed_transitions(user: Professional, case: Case) -> list[Transition]:
    """The route steps this user may take on this case now: the case page's buttons."""
    return allowed_transitions_per_case(user, [case])[case.pk]


def allowed_transitions_per_case(
    user: Professional, cases: list[Case]
) -> dict[int, list[Transition]]:
    """The same for many cases in one query (a meeting's agenda)."""
    roles = granting_roles_per_case(user, [c.pk for c in cases], Action.TRANSITION)
    allowed = {
        c.pk: [t for t in transitions_from(c.state) if roles.get(c.pk, set()) & t.roles]
        for c in cases
    }
    waiting = [c for c in cases if any(t.after_report for t in allowed[c.pk])]
    # Read with the case where its page read it (`reported_known`), else in one query.
    unknown = [c.pk for c in waiting if getattr(c, "vt_reported", None) is None]
    reported = {c.pk for c in waiting if getattr(c, "vt_reported", None)}
    reported |= reported_among(unknown) if unknown else set()
    return {
        pk: [t for t in rows if not t.after_report or pk in reported]
        for pk, rows in allowed.items()
    }


# --- the case file: callers pass a case they got from case_for(user, id, action) ------------


def plan_versions(case: Case) -> QuerySet[PlanVersion]:
    """Every version of the case's plan, newest first, with goals and actions (4 queries)."""
    actions = Prefetch("actions", queryset=PlanAction.objects.select_related("owner"))
    return (
        case.plans.select_related("created_by")
        .prefetch_related("goals", actions)
        .order_by("-number")
    )


def journal_part(
    user: Professional, case: Case, part: str
) -> QuerySet[Step] | QuerySet[Note] | QuerySet[FamilyContact]:
    """One part of the case's journal ('steps', 'notes' or 'contacts'), newest first, for
    paging (the API). Notes and family contacts are file content: without the right to the
    full file they do not exist for `user` (NotFound); steps are then read without their
    comment and data (`summary_steps`)."""
    if part == "steps":
        return case.steps.select_related("by").order_by("-at", "-id")
    if not can(user, Action.FULL, case):
        raise NotFound
    if part == "notes":
        return case.notes.select_related("author").order_by("-created_at", "-id")
    return case.family_contacts.select_related("by").order_by("-happened_at", "-id")


def summary_steps(user: Professional, case: Case, steps: list[Step]) -> list[Step]:
    """The steps as `user` may read them: in summary without comment and data."""
    return steps if can(user, Action.FULL, case) else _without_content(steps)


def _without_content(steps: list[Step]) -> list[Step]:
    for step in steps:  # never saved: steps are append-only
        step.comment, step.data = "", {}
    return steps


class CaseFile:
    """What one user reads of one case: the one selector that decides the fields per level
    (summary or full file), so that the case page and the API show the same. Each part is
    read when first asked for (one query each), so that a tab of the case page reads only
    what it shows (issue 17: the case page in at most 15 queries)."""

    def __init__(self, user: Professional, case: Case, *, newest: int | None = None) -> None:
        self.user, self.case, self.newest = user, case, newest
        self.full: bool = can(user, Action.FULL, case)

    @cached_property
    def children(self) -> list[Child]:
        return children_shown(self.user, [self.case])[self.case.pk]

    @cached_property
    def signals(self) -> list[SignalShown]:
        """The newest SIGNALS_PER_CASE_PAGE; `more_signals` says how many older ones."""
        return signals_shown(self.user, [self.case], newest=SIGNALS_PER_CASE_PAGE)[self.case.pk]

    @property
    def more_signals(self) -> int:
        self.signals  # noqa: B018 -- signals_shown counts the older ones on the case
        return int(self.case.more_signals)  # type: ignore[attr-defined]

    @cached_property
    def guardians(self) -> list[Guardian]:
        return list(self.case.family.guardians.order_by("id")) if self.full else []

    @cached_property
    def steps(self) -> list[Step]:
        """Oldest first; in summary without comment and data (a VOT evaluation is file
        content). `newest` bounds them (a case can hold a thousand steps)."""
        steps = self.case.steps.select_related("by")
        if self.newest is None:
            found = list(steps.order_by("at", "id"))
        else:
            found = list(steps.order_by("-at", "-id")[: self.newest])[::-1]
        return found if self.full else _without_content(found)

    @cached_property
    def notes(self) -> list[Note]:
        if not self.full:
            return []
        notes = self.case.notes.select_related("author").order_by("-created_at", "-id")
        return list(notes if self.newest is None else notes[: self.newest])

    @cached_property
    def family_contacts(self) -> list[FamilyContact]:
        if not self.full:
            return []
        contacts = self.case.family_contacts.select_related("by")
        contacts = contacts.order_by("-happened_at", "-id")
        return list(contacts if self.newest is None else contacts[: self.newest])

    @cached_property
    def referrals(self) -> list[Referral]:
        """Full file only: to whom, and whether accepted or returned."""
        if not self.full:
            return []
        return list(self.case.referrals.select_related("organisation", "worker").order_by("id"))


def case_file(user: Professional, case: Case, *, newest: int | None = None) -> CaseFile:
    """The case as `user` may read it (the caller got it from case_for(user, id, SUMMARY)).

    `newest` bounds the journal: only the newest so many steps, notes and family contacts
    each (the case page pages its journal)."""
    return CaseFile(user, case, newest=newest)
