"""The access filters' reads use PostgreSQL's kept generic plan (`kansrijk.plans`, issue 17),
and the setting never outlives them: not after the read, not after a read that failed, in a
transaction or outside one; every other query keeps PostgreSQL's own choice."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from kansrijk.access import policies
from kansrijk.access.matrix import Action
from kansrijk.cases.models import Case
from kansrijk.plans import rows_with_generic_plan
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
    assert rows_with_generic_plan(SETTING, [7]) == [("force_generic_plan", 7)]
    assert _mode() == "auto"
    with pytest.raises(DatabaseError), transaction.atomic():
        rows_with_generic_plan("SELECT 1 / %s", [0])
    assert _mode() == "auto"  # the savepoint's rollback took it back


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_failed_query_sets_it_back_too() -> None:
    assert not connection.in_atomic_block
    with pytest.raises(DatabaseError):
        rows_with_generic_plan("SELECT 1 / %s", [0])
    assert _mode() == "auto"
    assert rows_with_generic_plan(SETTING, ["x"]) == [("force_generic_plan", "x")]
    assert _mode() == "auto"


@pytest.mark.django_db
def test_a_lists_grants_are_read_with_the_kept_plan(world) -> None:  # type: ignore[no-untyped-def]
    cases = []
    for _ in range(3):
        child = ChildFactory(location=world.school)
        GuardianFactory(family=child.family)
        cases.append(open_case(world, child).pk)
    coach = fresh(world.coach)
    for _ in range(4):  # prepared from the second run on (prepare_threshold)
        with policies.one_page():
            grants = policies.granting_roles_per_case(coach, cases, Action.SUMMARY)
        assert set(grants) == set(cases)
        with policies.one_page():
            policies.read_for_page(coach, Action.FULL)  # the ids a page's lists take
            listed = policies.filter_cases(Case.objects.all(), coach, Action.FULL)
            assert set(listed.values_list("pk", flat=True)) == set(cases)
    grants_read = 'SELECT "cases_case"."id" AS "pk", "cases_case"."id" IN (%'
    ids_read = 'SELECT "cases_case"."id" AS "pk" FROM "cases_case" WHERE "cases_case"."id" IN ((%'
    for read in (grants_read, ids_read):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
                " WHERE statement LIKE %s",
                [read],
            )
            (generic, custom), *_ = cursor.fetchall()
        assert generic >= 2 and custom == 0, read
    assert _mode() == "auto"
    assert Case.objects.filter(pk__in=cases).count() == 3


@pytest.mark.django_db
def test_without_pipelines_the_query_runs_with_postgresqls_own_choice(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A libpq older than 14 sends no pipeline: the read still answers, planned as before."""
    import psycopg

    monkeypatch.setattr(psycopg.Pipeline, "is_supported", classmethod(lambda cls: False))
    assert rows_with_generic_plan(SETTING, [1]) == [("auto", 1)]
