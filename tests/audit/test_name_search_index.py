"""The privacy officer's search by name reads trigram indexes on PostgreSQL (issue 17), and
finds the same families on every database."""

from __future__ import annotations

import pytest
from django.db import connection

from kansrijk.access.roles import Role
from kansrijk.audit.search import Criteria, _name_candidates, search_access_log
from kansrijk.core.models import Organisation
from tests.factories import ChildFactory, FamilyFactory, professional

pytestmark = pytest.mark.django_db


def test_the_search_finds_families_by_a_part_of_any_name(world):
    officer = professional(
        Role.PRIVACY_OFFICER,
        None,
        organisation=Organisation.objects.get(name="Stichting Kindcentra Westwijk"),
        username="fg",
    )
    ChildFactory(
        given_name="Jorinde", family=FamilyFactory(name="Kwakernaak"), location=world.school
    )
    ChildFactory(given_name="Jorien", family=FamilyFactory(name="Bakker"), location=world.school)
    ChildFactory(given_name="Sem", family=FamilyFactory(name="Jorissen"), location=world.school)
    found = search_access_log(by=officer, criteria=Criteria(q="jori"))
    assert sorted(f.name for f in found.families) == ["Bakker", "Jorissen", "Kwakernaak"]
    found = search_access_log(by=officer, criteria=Criteria(q="Jorinde kwaker"))
    assert found.subject is not None and found.subject.family.name == "Kwakernaak"


@pytest.mark.postgres
def test_on_postgresql_each_part_of_the_search_uses_its_trigram_index():
    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes exist on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%_trgm"])
        assert {row[0] for row in cursor.fetchall()} == {
            "cases_family_name_trgm",
            "cases_child_given_name_trgm",
            "cases_child_family_name_trgm",
        }
        sql, params = _name_candidates("jori bakk").query.sql_with_params()
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for index in ("cases_family_name_trgm", "cases_child_given_name_trgm",
                  "cases_child_family_name_trgm"):  # fmt: skip
        assert index in plan, plan
