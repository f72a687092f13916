"""My work's lists read through SQL compiled once per process (cases.selectors `_listed`,
kansrijk.compiled; issue 17): for every professional they hold what the ORM's query holds
(the same cases in the same order, the same totals, related objects and children, the same
`may_open`), and a second call with other relations or another user never shows the first
call's answer. On SQLite the lists take the ORM's query itself; the comparison holds there
too."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest
from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Window
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kansrijk.access.matrix import Action
from kansrijk.access.policies import filter_cases, one_page, read_for_page, visible_condition
from kansrijk.cases import selectors
from kansrijk.cases.models import Case, CaseMember, Signal
from kansrijk.cases.workflow import CaseState
from kansrijk.core.models import Professional
from tests.cases.route import advance, open_case
from tests.conftest import World, fresh
from tests.factories import ChildFactory, GuardianFactory

pytestmark = pytest.mark.django_db

STATES = [
    CaseState.SIGNALLED,
    CaseState.SCHOOL_PLAN,
    CaseState.ON_ATTENTION_LIST,
    CaseState.IN_SUPPORT,
    CaseState.IN_SUPPORT,
    CaseState.CLOSED,
]


def _cases(world: World) -> list[Case]:
    cases = []
    for state in STATES:
        child = ChildFactory(location=world.school)
        GuardianFactory(family=child.family)
        ChildFactory(family=child.family, location=child.location)  # a sibling
        cases.append(advance(world, open_case(world, child), state))
    return cases


def _case_rows(cases: list[Case]) -> list[tuple[Any, ...]]:
    with CaptureQueriesContext(connection) as queries:
        rows = _case_values(cases)
    assert not queries.captured_queries  # read with the list: related objects and children
    return rows


def _case_values(cases: list[Case]) -> list[tuple[Any, ...]]:
    return [
        (
            c.pk,
            c.state,
            c.rank,  # type: ignore[attr-defined]
            c.total,  # type: ignore[attr-defined]
            c.family_id,  # the family as its id: a list needs its children alone
            c.location.name,
            c.contact_person.username,
            [child.pk for child in selectors.children_of(c.family)],
        )
        for c in cases
    ]


def _orm_bounded(user: Professional, action: Action, bound: int, by: str) -> list[Case]:
    """The list as the ORM's own query reads it, written out here apart from the selector."""
    queryset = filter_cases(Case.objects.filter(state__in=selectors.OPEN_STATES), user, action)
    queryset = queryset.select_related("family", "location", "contact_person")
    if by == "stalled":
        order: list[Any] = [selectors._safety_first(), "last_step_at", "priority", "id"]
    else:
        order = ["priority", "last_step_at", "id"]
    partition = {"state": F("state"), "mine": selectors._mine_first(user.pk), "stalled": None}[by]
    return list(
        selectors._bounded(queryset.order_by(*order), bound, partition).prefetch_related(
            selectors.family_children()
        )
    )


@pytest.mark.parametrize("bound", [1, 25])
def test_my_works_case_lists_hold_what_the_orm_holds(world: World, bound: int) -> None:
    """Each list on its own, and within a page that read the cases' states with their ids
    (`read_for_page(also=("state",))`, as my work does): there the counts per state are
    counted from the states, with no query, and the lists of open cases ranked over the open
    ids alone (a coordinator's 1,500 cases read once, not three times, at region scale 1.0;
    issue 17). The same lists and counts either way, and with the columns the lists are
    ranked by read too (`RANKED_COLUMNS`, `MINE_COLUMNS`): ranked from them, with a P1
    (safety) case, which tops the coordinator's list, and two cases whose last steps were at
    the same moment."""
    cases = _cases(world)
    newest = Case.objects.filter(pk=cases[3].pk).values_list("last_step_at", flat=True).get()
    Case.objects.filter(pk__in=[cases[0].pk, cases[4].pk]).update(last_step_at=newest)
    Case.objects.filter(pk=cases[2].pk).update(priority=Case.Priority.SAFETY)
    checked = 0
    for person in world.people():
        counts = selectors.state_counts(fresh(person))
        for action, by in [
            (Action.SUMMARY, "state"),
            (Action.FULL, "mine"),
            (Action.EXISTS, "stalled"),
        ]:
            expected = _case_rows(_orm_bounded(fresh(person), action, bound, by))
            listed = selectors.open_bounded(fresh(person), action, bound, by)
            assert _case_rows(listed) == expected, (person.username, action, by)
            for also in (("state",), selectors.RANKED_COLUMNS, selectors.MINE_COLUMNS):
                user = fresh(person)
                with one_page():
                    read_for_page(user, action, also=also)
                    read_for_page(user, Action.EXISTS, also=also)
                    with CaptureQueriesContext(connection) as asked:
                        assert selectors.state_counts(user) == counts, person.username
                    in_page = selectors.open_bounded(user, action, bound, by)
                if connection.vendor == "postgresql":
                    assert not asked.captured_queries  # counted from the states read
                assert _case_rows(in_page) == expected, (person.username, action, by, also)
            checked += len(listed)
    assert checked > 10  # the lists are not all empty


def test_a_page_of_the_case_list_holds_what_the_orm_holds(world: World) -> None:
    """`cases_page` (the API's list): the page the ORM's queryset slices and the count it
    counts, for every professional, state filter, location and place in the list, the
    children read with it; past the end an empty page with the list's length. Within a page
    that read the ids with the columns the list is ranked by (`page_columns`, the API), it
    is ranked from those and holds the same: two cases of a higher priority, three whose
    last step is at the same moment (the id decides)."""
    cases = _cases(world)
    Case.objects.filter(pk__in=[cases[1].pk, cases[4].pk]).update(priority=Case.Priority.HIGH)
    same = timezone.now() - datetime.timedelta(days=3)
    Case.objects.filter(pk__in=[c.pk for c in cases[2:5]]).update(last_step_at=same)
    checked = 0
    for person in world.people():
        for states in (None, frozenset({CaseState.IN_SUPPORT.value}), selectors.OPEN_STATES):
            for location in (None, world.school, world.other_school):
                # The ORM's whole list once (its order is total: the slices are its pages).
                orm = list(
                    selectors.cases_visible_to(
                        fresh(person), action=Action.SUMMARY, states=states, location=location
                    )
                )
                for offset, limit in ((0, 50), (0, 1), (1, 2), (4, 3), (40, 5), (0, 0)):
                    count, page = selectors.cases_page(
                        fresh(person), action=Action.SUMMARY, states=states,
                        location=location, offset=offset, limit=limit,
                    )  # fmt: skip
                    expected = orm[offset : offset + limit]
                    where = (person.username, states, location, offset, limit)
                    assert count == len(orm), where
                    rows = _page_rows(page)
                    assert rows == [_page_row(c) for c in expected], where
                    with one_page():
                        user = fresh(person)
                        read_for_page(user, Action.SUMMARY, also=selectors.page_columns(location))
                        count, page = selectors.cases_page(
                            user, action=Action.SUMMARY, states=states,
                            location=location, offset=offset, limit=limit,
                        )  # fmt: skip
                    assert (count, _page_rows(page)) == (len(orm), rows), where
                    checked += len(page)
    assert checked > 20  # the pages are not all empty


def _page_rows(cases: list[Case]) -> list[tuple[Any, ...]]:
    with CaptureQueriesContext(connection) as queries:
        rows = [_page_row(c) for c in cases]
    assert not queries.captured_queries  # read with the page: related objects and children
    return rows


def _page_row(c: Case) -> tuple[Any, ...]:
    return (
        c.pk,
        c.state,
        c.family_id,
        c.location.name,
        c.contact_person.username,
        [child.pk for child in selectors.children_of(c.family)],
    )


def test_a_list_read_again_shows_todays_relations_and_not_another_users(world: World) -> None:
    cases = _cases(world)
    worker = world.psychologist
    before = {c.pk for c in selectors.open_bounded(fresh(worker), Action.FULL, 25, "mine")}
    case = next(c for c in cases if c.state == CaseState.IN_SUPPORT and c.pk not in before)
    CaseMember.objects.create(case=case, professional=worker, role="psychologist")
    after = selectors.open_bounded(fresh(worker), Action.FULL, 25, "mine")
    assert {c.pk for c in after} - before == {case.pk}
    assert _case_rows(after) == _case_rows(_orm_bounded(fresh(worker), Action.FULL, 25, "mine"))
    # The same plan for another user of the same role reads that user's cases.
    other = selectors.open_bounded(fresh(world.other_coach), Action.SUMMARY, 25, "state")
    own = selectors.open_bounded(fresh(world.coach), Action.SUMMARY, 25, "state")
    assert {c.location_id for c in own} == {world.school.pk}
    assert {c.location_id for c in other} <= {world.other_school.pk}


def _signal_rows(signals: list[Signal]) -> list[tuple[Any, ...]]:
    with CaptureQueriesContext(connection) as queries:
        rows = _signal_values(signals)
    assert not queries.captured_queries  # the child, the case and its contact person read
    return rows


def _signal_values(signals: list[Signal]) -> list[tuple[Any, ...]]:
    return [
        (
            s.pk,
            s.may_open,  # type: ignore[attr-defined]
            s.child.given_name,
            s.case.state if s.case else None,
            s.case.contact_person.username if s.case and s.case.contact_person else None,
        )
        for s in signals
    ]


def test_the_signallers_list_holds_what_the_orm_holds(world: World) -> None:
    cases = _cases(world)
    # A signal on a case the teacher may no longer open (the pupil moved to another group).
    Signal.objects.filter(case=cases[0]).update(location=world.other_school)
    for person in world.people():
        user = fresh(person)
        for first in (1, 50):
            own = Signal.objects.filter(author=user)
            newest = own.order_by("-created_at", "-id").values_list("pk", flat=True)[:first]
            safety = own.filter(case__priority=Case.Priority.SAFETY).values_list("pk", flat=True)
            orm = (
                Signal.objects.filter(pk__in=[*newest, *safety])
                .select_related("child", "case", "case__contact_person")
                .annotate(
                    may_open=ExpressionWrapper(
                        visible_condition(user, Action.SUMMARY, "case_id"),
                        output_field=BooleanField(),
                    )
                )
                .order_by(selectors._safety_first("case__"), "-created_at", "-id")[:first]
            )
            expected = _signal_rows(list(orm))
            assert _signal_rows(selectors.signals_by(user, first)) == expected
            # After the page read the cases the user may open: `may_open` from those ids.
            with one_page():
                read_for_page(user, Action.SUMMARY)
                assert _signal_rows(selectors.signals_by(user, first)) == expected
    assert len(selectors.signals_by(fresh(world.teacher), 50)) == len(STATES)
    # A signal on a P1 case stands on top even when it is not among the newest.
    Case.objects.filter(pk=cases[1].pk).update(priority=Case.Priority.SAFETY)
    teacher = fresh(world.teacher)
    with one_page():
        read_for_page(teacher, Action.SUMMARY)
        first = selectors.signals_by(teacher, 1)
    assert [s.case_id for s in first] == [cases[1].pk]


def test_my_actions_hold_what_the_orm_holds(world: World) -> None:
    _cases(world)
    for person in world.people():
        for bound in (1, 25):
            listed = selectors.my_actions(fresh(person), bound)
            orm = selectors.actions_owned_by(person).annotate(total=Window(Count("id")))[:bound]
            with CaptureQueriesContext(connection) as queries:
                rows = [
                    (a.pk, a.total, a.plan.number, a.plan.case.state)  # type: ignore[attr-defined]
                    for a in listed
                ]
            assert not queries.captured_queries
            assert rows == [(a.pk, a.total, a.plan.number, a.plan.case.state) for a in orm]
    assert selectors.my_actions(fresh(world.teacher), 25)


def test_the_counts_per_state_hold_what_the_orm_counts(world: World) -> None:
    """My work's counts per state (compiled once per access filter on PostgreSQL): for every
    professional the cases they may know of, counted per state as the ORM counts them."""
    _cases(world)
    seen = 0
    for person in world.people():
        user = fresh(person)
        known = filter_cases(Case.objects.all(), user, Action.EXISTS)
        orm = dict(known.values_list("state").annotate(n=Count("id")))
        expected = {state.value: orm.get(state.value, 0) for state in CaseState}
        assert selectors.state_counts(user) == expected, person.username
        with one_page():  # after the page read the ids: counted over the array
            read_for_page(user, Action.EXISTS)
            assert selectors.state_counts(fresh(person)) == expected, person.username
        seen += sum(expected.values())
    assert seen > len(STATES)


def test_the_attention_list_holds_what_the_orm_holds(world: World) -> None:
    from kansrijk.attention.models import AttentionEntry, AttentionVisit
    from kansrijk.attention.selectors import ENTRIES_PER_PAGE, entries

    _cases(world)
    # Two priorities, and every entry changed at one moment: the latest entry first.
    kept = list(AttentionEntry.objects.filter(location=world.school).order_by("pk"))
    assert len(kept) >= 3
    for entry, priority in zip(kept, itertools.cycle((3, 3, 1)), strict=False):
        Case.objects.filter(pk=entry.case_id).update(priority=priority)
    listed_at = timezone.now() - datetime.timedelta(hours=1)
    AttentionEntry.objects.filter(pk__in=[e.pk for e in kept]).update(changed_at=listed_at)
    AttentionVisit.objects.create(
        location=world.school, professional=world.coach, seen_at=timezone.now()
    )
    listed = 0
    for person in world.people():
        user = fresh(person)
        for location in (world.school, world.other_school):
            orm = (
                AttentionEntry.objects.filter(
                    location=location,
                    removed_at__isnull=True,
                    case__state__in=selectors.OPEN_STATES,
                    case__in=filter_cases(
                        Case.objects.filter(location=location), user, Action.SUMMARY
                    ).values("pk"),
                )
                .select_related("case__family", "case__location", "case__contact_person")
                .prefetch_related(selectors.family_children("case__family"))
                .order_by("case__priority", "-changed_at", "-id")
            )
            page = entries(user, location)
            with one_page():  # ranked from the columns read with the ids (PostgreSQL)
                in_page = entries(fresh(person), location)
            assert (in_page.total, in_page.fresh, [e.pk for e in in_page.entries]) == (
                page.total,
                page.fresh,
                [e.pk for e in page.entries],
            ), (person.username, location.name)
            found = page.entries
            seen = AttentionVisit.objects.filter(location=location, professional=user).first()
            with CaptureQueriesContext(connection) as queries:
                rows = [
                    (
                        e.pk,
                        e.case.family.name,
                        e.case.contact_person.username,
                        [c.pk for c in selectors.children_of(e.case.family)],
                    )
                    for e in found
                ]
            assert not queries.captured_queries
            if found:  # may_read: those who read the list see every entry the ORM finds
                assert page.seen == (seen.seen_at if seen else None)
                assert page.total == orm.count()
                assert rows == [
                    (
                        e.pk,
                        e.case.family.name,
                        e.case.contact_person.username,
                        [c.pk for c in selectors.children_of(e.case.family)],
                    )
                    for e in orm[:ENTRIES_PER_PAGE]
                ], (person.username, location.name)
            listed += len(found)
    assert listed
    assert len({e.case.priority for e in entries(fresh(world.coach), world.school).entries}) > 1


def test_a_lists_contact_person_is_read_as_far_as_the_list_names_them(world: World) -> None:
    """No list reads a contact person's password hash, e-mail, phone or logins: a row names
    them, without a query of its own; the case page reads them whole (it shows the phone)."""
    _cases(world)
    coach = fresh(world.coach)
    lists = {
        "my work": selectors.open_bounded(coach, Action.SUMMARY, 25, "state"),
        "a page": selectors.cases_page(
            coach, action=Action.SUMMARY, states=None, location=None, offset=0, limit=50
        )[1],
        "signals": [s.case for s in selectors.signals_by(fresh(world.teacher), 50)],
    }
    for name, cases in lists.items():
        assert cases, name
        with CaptureQueriesContext(connection) as queries:
            for case in cases:
                person = case.contact_person
                assert set(selectors.CONTACT_UNSHOWN) <= person.get_deferred_fields(), name
                assert str(person) and person.is_active
        assert not queries.captured_queries, name
    case = selectors.case_for(coach, lists["my work"][0].pk)
    assert not case.contact_person.get_deferred_fields()
