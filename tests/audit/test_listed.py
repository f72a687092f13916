"""List reads are found again: inzage and the privacy officer's search see that a case, a
family or a child was on someone's list (audit.listed), and the family reads its own ids only."""

from __future__ import annotations

import functools
import operator

import pytest
from django.db import connection
from django.db.models import Q
from django.test import Client

from kansrijk.access.roles import Role
from kansrijk.audit.chaining import chain_pending
from kansrijk.audit.listed import for_the_family, listing
from kansrijk.audit.models import AccessLogEntry, Event
from kansrijk.audit.paging import log_ids
from kansrijk.audit.selectors import Subject
from kansrijk.core.models import Organisation
from kansrijk.privacy.inzage import inzage_export
from tests.audit.reference import entries_about
from tests.auth import sign_in
from tests.cases.route import open_case
from tests.conftest import World
from tests.factories import ChildFactory, professional

pytestmark = pytest.mark.django_db


def _listing(**ids: list[int]) -> Q:
    """The list entries that name these ids, as one condition (the OR of `listing`'s)."""
    return functools.reduce(operator.or_, listing(**ids))


def _listed(subject: Subject) -> list[str]:
    return list(
        entries_about(subject)
        .filter(event=Event.LIST)
        .order_by("id")
        .values_list("detail", flat=True)
    )


def _log(opening: str, ids: list[int]) -> None:
    log_ids(ids, by=None, purpose="test list", opening=opening, username="test")


def test_a_page_that_listed_the_familys_case_is_among_the_familys_entries(
    client: Client, world: World
) -> None:
    case = open_case(world, ChildFactory(location=world.school))
    other = open_case(world, ChildFactory(location=world.school))
    never = ChildFactory(location=world.school)  # a family without a case: on no list
    sign_in(client, world.coach)
    assert client.get("/cases/").status_code == 200
    read = AccessLogEntry.objects.get(purpose="case list")
    assert read.case_id is None and read.family_id is None  # found through the ids alone
    assert read.detail in _listed(Subject(case.family))
    assert read.detail in _listed(Subject(other.family, other.family.children.first()))
    assert _listed(Subject(never.family)) == []


def test_cases_families_and_children_are_found_by_their_own_ids_only(world: World) -> None:
    case = open_case(world, ChildFactory(location=world.school))
    child = case.family.children.get()
    family, n = case.family, case.pk
    _log("cases ", [int(f"{n}1"), int(f"9{n}")])  # ids that contain the case's digits
    _log("meeting 5 agenda: cases ", [7, n])
    _log("api pupils offset=0 count=2 children=", [child.pk + 1000, child.pk])
    _log("families ", [family.pk])
    _log("families ", [family.pk + 1000])
    found = _listed(Subject(family))
    assert found == [
        f"meeting 5 agenda: cases 7,{n}",
        f"api pupils offset=0 count=2 children={child.pk + 1000},{child.pk}",
        f"families {family.pk}",
    ]
    assert _listed(Subject(family, child)) == found


def test_a_long_list_in_parts_is_found_in_the_part_that_names_the_case(world: World) -> None:
    case = open_case(world, ChildFactory(location=world.school))
    _log("cases ", [*range(10**6, 10**6 + 100), case.pk])
    found = _listed(Subject(case.family))
    assert len(found) == 1 and found[0].endswith(f",{case.pk} (part 2/2)")


def test_the_familys_inzage_names_its_own_ids_and_how_many_the_list_showed(
    client: Client, world: World
) -> None:
    case = open_case(world, ChildFactory(location=world.school))
    others = [open_case(world, ChildFactory(location=world.school)) for _ in range(2)]
    sign_in(client, world.coach)
    client.get("/cases/")
    officer = professional(
        Role.PRIVACY_OFFICER,
        None,
        organisation=Organisation.objects.create(name="FG", kind="partner"),
        username="fg",
    )
    export = inzage_export(by=officer, family_id=case.family_id)
    lists = [row["detail"] for row in export.access_log if row["event"] == Event.LIST]
    assert len(others) == 2 and lists == [f"cases {case.pk} (of 3 shown)"]


def test_on_postgresql_the_search_is_an_index_scan(on_postgres: bool, world: World) -> None:
    if not on_postgres:
        pytest.skip("SQLite searches with a regular expression")
    sql, params = AccessLogEntry.objects.filter(_listing(cases=[1, 2])).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        # Nor the primary key's index read in id order with the condition as a filter, which
        # the planner prefers for a few rows, depending on the statistics earlier tests left:
        # what is asked is whether the GIN index answers the condition.
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Cond: (audit_listed(" in plan and "Seq Scan" not in plan, plan


def test_a_list_is_found_before_and_after_the_chainer_links_it(settings, world: World) -> None:  # type: ignore[no-untyped-def]
    """The request writes its list entry unlinked and, on PostgreSQL, adds nothing to the
    listed-ids index (it holds linked entries: migration 0012, issue 17's log p99); the search
    finds the entry in the unlinked tail, and in the index once the chainer linked it."""
    settings.KANSRIJK_AUDIT_CHAIN_INLINE = False
    case = open_case(world, ChildFactory(location=world.school))
    _log("meeting 5 agenda: cases ", [7, case.pk])
    entry = AccessLogEntry.objects.get(event=Event.LIST, purpose="test list")
    assert entry.entry_hash is None
    assert _listed(Subject(case.family)) == [entry.detail]
    assert chain_pending() > 0
    entry.refresh_from_db()
    assert entry.entry_hash is not None
    assert _listed(Subject(case.family)) == [entry.detail]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = %s", ["audit_entry_listed"]
            )
            (definition,) = cursor.fetchone()
        assert "WHERE (((event)::text = 'list'::text) AND (entry_hash IS NOT NULL))" in definition


def test_the_familys_reading_of_a_list_names_its_own_ids_only() -> None:
    assert for_the_family("cases 1,12,123 (part 1/2)", cases=[12]) == (
        "cases 12 (of 3 shown) (part 1/2)",
        True,
    )
    assert for_the_family("meeting 5 agenda: cases 7,8", cases=[12]) == (
        "meeting 5 agenda: cases — (of 2 shown)",
        False,
    )
    assert for_the_family("api pupils offset=0 count=2 children=3,4", children=[4]) == (
        "api pupils offset=0 count=2 children=4 (of 2 shown)",
        True,
    )


def test_on_sqlite_the_search_runs_no_python_inside_the_sql(world: World) -> None:
    """Django's `__regex` is a Python function SQLite calls per row; a garbage collection
    inside it once hung a run of the suite. The search reads with LIKE and matches in Python
    (PostgreSQL: `audit_listed()` and its index)."""
    case = open_case(world, ChildFactory(location=world.school))
    _log("cases ", [case.pk])
    query = AccessLogEntry.objects.filter(_listing(cases=[case.pk]))
    sql = str(query.query).upper()
    assert "REGEXP" not in sql
    if connection.vendor == "sqlite":
        assert "AUDIT_LISTED" not in sql and "LIKE" not in sql  # the ids were matched before
    assert list(query.values_list("detail", flat=True)) == [f"cases {case.pk}"]
