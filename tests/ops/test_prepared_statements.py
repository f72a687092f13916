"""On PostgreSQL a query that a connection asks again is prepared, so that PostgreSQL can keep
its plan (issue 17: the permission filters cost more to plan than to run); the answers stay
those of the ORM."""

from __future__ import annotations

import pytest
from django.db import connection

from kansrijk.core.models import Location, Organisation

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
    ),
]


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_query_asked_twice_on_a_connection_is_prepared_and_answers_alike() -> None:
    organisation = Organisation.objects.create(name="Stichting Prepared", kind="school_board")
    first = Location.objects.create(
        organisation=organisation, name="De Eerste", code="prep-1", kind="child_centre"
    )
    second = Location.objects.create(
        organisation=organisation, name="De Tweede", code="prep-2", kind="child_centre"
    )

    def named(code: str) -> str | None:
        return Location.objects.filter(code=code).values_list("name", flat=True).first()

    assert named("prep-1") == first.name
    assert not [s for s in _prepared() if "core_location" in s]  # asked once: not prepared
    for _ in range(2):  # the same SQL again, other parameters
        assert named("prep-2") == second.name
    assert [s for s in _prepared() if "core_location" in s and "$1" in s]
    assert named("prep-1") == first.name
    assert named("no-such-code") is None
