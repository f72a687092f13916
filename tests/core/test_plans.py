"""The access filters' reads use PostgreSQL's kept generic plan (`kansrijk.plans`, issue 17),
the lists over a user's case ids a plan made for them (sent unprepared), and the setting never
outlives them: not after the read, not after a read that failed, in a transaction or outside
one; every other query keeps PostgreSQL's own choice."""

from __future__ import annotations

from collections import OrderedDict

import pytest
from django.db import DatabaseError, connection, transaction

from kansrijk import compiled
from kansrijk.access import policies
from kansrijk.access.matrix import Action
from kansrijk.cases import selectors
from kansrijk.cases.models import Case
from kansrijk.monitor.selectors import closed_cases_awaiting_experience
from kansrijk.plans import CUSTOM, GENERIC, rows_planned
from kansrijk.privacy import inzage
from kansrijk.safety.selectors import vulnerable_families
from kansrijk.safety.services import vulnerable_family_add
from kansrijk.standins.selectors import STANDS_IN
from tests.cases.route import open_case
from tests.conftest import fresh
from tests.factories import ChildFactory, GuardianFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="plans kept by PostgreSQL (SQLite plans anew)"
)


def _mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return str(cursor.fetchone()[0])


SETTING = "SELECT current_setting('plan_cache_mode'), %s"


@pytest.mark.django_db
def test_within_a_transaction_the_setting_is_the_querys_alone() -> None:
    assert _mode() == "auto"
    assert rows_planned(SETTING, [7], GENERIC) == [("force_generic_plan", 7)]
    assert _mode() == "auto"
    with pytest.raises(DatabaseError), transaction.atomic():
        rows_planned("SELECT 1 / %s", [0], GENERIC)
    assert _mode() == "auto"  # the savepoint's rollback took it back


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_failed_query_sets_it_back_too() -> None:
    assert not connection.in_atomic_block
    with pytest.raises(DatabaseError):
        rows_planned("SELECT 1 / %s", [0], GENERIC)
    assert _mode() == "auto"
    assert rows_planned(SETTING, ["x"], CUSTOM) == [("auto", "x")]  # no setting: unprepared
    assert _mode() == "auto"


def _prepared(statement: str) -> list[tuple[int, int]]:
    """The connection's prepared statements that start so: how often each was run with its
    generic plan and with a custom one."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            [statement.replace("%", "\\%") + "%"],
        )
        return list(cursor.fetchall())


def _plans_of(statement: str) -> tuple[int, int]:
    (generic, custom), *_ = _prepared(statement)
    return generic, custom


def _open_cases(world) -> list[int]:  # type: ignore[no-untyped-def]
    cases = []
    for _ in range(3):
        child = ChildFactory(location=world.school)
        GuardianFactory(family=child.family)
        cases.append(open_case(world, child).pk)
    return cases


@pytest.mark.django_db
def test_a_lists_grants_are_read_with_the_kept_plan(world) -> None:  # type: ignore[no-untyped-def]
    cases = _open_cases(world)
    coach = fresh(world.coach)
    for _ in range(4):  # prepared from the second run on (prepare_threshold)
        with policies.one_page():
            grants = policies.granting_roles_per_case(coach, cases, Action.SUMMARY)
        assert set(grants) == set(cases)
        with policies.one_page():
            policies.read_for_page(coach, Action.FULL)  # the ids a page's lists take
            listed = policies.filter_cases(Case.objects.all(), coach, Action.FULL)
            assert set(listed.values_list("pk", flat=True)) == set(cases)
    # The grants: the cases' rows, each checked against the coach's relations.
    coachs = ("all actions", "among", Action.SUMMARY, "default", coach.pk)
    among = [hit for key, hit in policies._compiled.items() if key[:5] == coachs and hit]
    assert len(among) == 1  # the coach's, bound from the one kept for their shape
    grants_read = among[0].sql.split("%s")[0]
    full = policies._visible_compiled(coach, Action.FULL, "default")
    assert full is not None
    ids_read = full.sql.split("%s")[0]  # the filter's own SQL (the union of the reaches)
    for read in (grants_read, ids_read):
        generic, custom = _plans_of(read)
        assert generic >= 2 and custom == 0, read
    assert _mode() == "auto"
    assert Case.objects.filter(pk__in=cases).count() == 3


@pytest.mark.django_db
def test_without_pipelines_the_query_runs_with_postgresqls_own_choice(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A libpq older than 14 sends no pipeline: the read still answers, planned as before."""
    import psycopg

    monkeypatch.setattr(psycopg.Pipeline, "is_supported", classmethod(lambda cls: False))
    assert rows_planned(SETTING, [1], CUSTOM) == [("auto", 1)]


@pytest.mark.django_db
def test_the_lists_over_a_users_case_ids_are_planned_for_them(world) -> None:  # type: ignore[no-untyped-def]
    """The coordinator's ranked open cases and the counts per state: never the kept plan,
    which guesses how many ids the array holds (a whole municipality's at region scale).
    They are never prepared: each run is an unnamed statement, which PostgreSQL plans for
    the values bound to it."""
    cases = _open_cases(world)
    coordinator = fresh(world.coordinator)
    for _ in range(8):  # past prepare_threshold and PostgreSQL's five custom plans
        with policies.one_page():
            listed = selectors.open_bounded(coordinator, Action.EXISTS, 25, by="stalled")
            counts = selectors.state_counts(coordinator)
        assert {case.pk for case in listed} == set(cases)
        assert sum(counts.values()) == 3
    assert _prepared("SELECT ")  # the page's other queries were prepared as before
    for read in ('SELECT "col1", ', 'SELECT "cases_case"."state" AS "state", COUNT('):
        assert _prepared(read) == [], read
    assert _mode() == "auto"
    with connection.cursor() as cursor:
        assert cursor.connection.prepare_threshold is not None  # set back after each read


def _kept_plan_runs(first: str) -> tuple[int, int]:
    """How often the SQL compiled for the list keyed `first` (kansrijk.compiled) ran with a
    generic plan and with a custom one, read from its text up to its first parameter."""
    (sql,) = {query.sql for key, query in compiled._plans.items() if key[0] == first}
    return _plans_of(sql.split("%s")[0])


@pytest.mark.django_db
def test_reads_that_cost_more_to_plan_than_to_run_keep_their_plan(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The joint list of vulnerable families, the closed cases awaiting the parents'
    experience, the API's own signals and an inzage's cases: planning their access filter
    cost 2-4.4 ms a view, running it with the kept plan 0.1-0.7 (region at 1.0, the plan
    check of `bench.load.plans`). Each answers as before."""
    monkeypatch.setattr(compiled, "_plans", OrderedDict())  # this test's queries alone
    cases = _open_cases(world)
    family = Case.objects.get(pk=cases[0]).family
    child = family.children.get()
    child.bsn = "999990019"  # a public test BSN
    child.save()
    kept = vulnerable_family_add(
        by=world.coordinator, bsn=child.bsn, source="school", reason="Zorgen om de thuissituatie"
    )
    coordinator, teacher = fresh(world.coordinator), fresh(world.teacher)
    contact = fresh(Case.objects.get(pk=cases[0]).contact_person)
    for _ in range(4):  # prepared from the second run on (prepare_threshold)
        listed = vulnerable_families(coordinator)
        assert [(e.pk, e.case_id) for e in listed] == [(kept.pk, cases[0])]
        assert closed_cases_awaiting_experience(coordinator, 100) == []
        assert {s.case_id for s in selectors.signals_by(teacher, 25)} == set(cases)
        subject = inzage.subject_of(child_id=child.pk)
        assert inzage.exportable_cases(contact, subject) == ([cases[0]], "case matrix: export")
    for first in ("vulnerable families", "awaiting experience", "signals by", "inzage cases"):
        generic, custom = _kept_plan_runs(first)
        assert generic >= 2 and custom == 0, first
    assert _mode() == "auto"


@pytest.mark.django_db
def test_a_specialists_membership_facts_keep_their_plan(world) -> None:  # type: ignore[no-untyped-def]
    """Whether a family specialist stands in for an absent colleague today is read with their
    memberships on every request: planned anew, 1.1 ms a page; the kept plan runs in 0.02."""
    for _ in range(4):  # a request's user, memberships read anew
        (membership,) = policies.memberships_of(fresh(world.family_specialist))
        assert getattr(membership, STANDS_IN) is False
    # Compiled per number of memberships: the one of a specialist with one.
    (facts,) = [hit for key, hit in policies._compiled.items() if key[0] == "facts" and key[3] == 1]
    generic, custom = _plans_of(facts.sql.split("%s")[0])
    assert generic >= 2 and custom == 0
