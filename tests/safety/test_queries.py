"""The safety list pages do not grow their queries with the number of rows (house rule 8)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kansrijk.safety import services
from kansrijk.safety.models import EmergencyAccess
from tests.auth import sign_in
from tests.factories import ChildFactory
from tests.safety.conftest import file_safety_signal

pytestmark = pytest.mark.django_db


def _rows(world, count: int, start: int) -> None:  # type: ignore[no-untyped-def]
    for n in range(start, start + count):
        bsn = f"{n:08d}"
        bsn += str(next(d for d in range(10) if _valid(bsn + str(d))))
        child = ChildFactory(location=world.school, bsn=bsn)
        case = file_safety_signal(world, child)
        services.contact_attempt_record(by=world.teacher, child_id=child.pk, kind="absence")
        services.vulnerable_family_add(by=world.coordinator, bsn=bsn, source="VOT", reason="zorg")
        EmergencyAccess.objects.create(
            user=world.psychologist, case=case, reason="nood", expires_at=case.opened_at
        )


def _valid(bsn: str) -> bool:
    from kansrijk.cases.bsn import bsn_is_valid

    return bsn_is_valid(bsn)


@pytest.mark.parametrize(
    "url", ["/safety/non-responding/", "/safety/vulnerable-families/", "/safety/emergency/review/"]
)
def test_list_pages_do_not_grow_queries(client, world, settings, url):
    settings.KANSRIJK_NON_RESPONSE_THRESHOLD = 1
    sign_in(client, world.coordinator)
    _rows(world, 2, 10000010)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _rows(world, 4, 10000100)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 15


def test_the_meldcode_page_stays_within_the_query_budget(client, world, safety_case):
    sign_in(client, world.coach)
    url = f"/safety/cases/{safety_case.pk}/meldcode/"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) <= 15, [q["sql"] for q in queries.captured_queries]
