"""List pages outside the case pages: the number of queries does not grow with the rows."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kansrijk.consent import services as consent_services
from kansrijk.consent.models import LegalGround
from kansrijk.core.models import Organisation
from kansrijk.notifications.services import notify
from tests.auth import sign_in
from tests.cases.route import give_plan, open_case
from tests.factories import ChildFactory, GuardianFactory

pytestmark = pytest.mark.django_db


def count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def grows(client, url: str, add: Callable[[int], None]) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    add(2)
    client.get(url)
    few = count(client, url)
    add(6)
    return few, count(client, url)


def test_notifications(client, world):
    sign_in(client, world.coach)
    few, many = grows(
        client,
        "/notifications/",
        lambda n: [notify(to=world.coach, subject=f"Bericht {i}", mail=False) for i in range(n)],
    )
    assert few == many <= 15


def test_disclosures_on_a_legal_ground(client, world):
    sign_in(client, world.coordinator)
    ggz = Organisation.objects.get(name="GGZ Delfland")

    def add(n: int) -> None:
        for _ in range(n):
            child = ChildFactory(location=world.school)
            GuardianFactory(family=child.family)
            case = open_case(world, child)
            consent_services.legal_ground_record(
                by=world.coach,
                case_id=case.pk,
                organisation=ggz,
                ground=LegalGround.Ground.MELDCODE,
                explanation="Stap 2 van de meldcode.",
            )

    few, many = grows(client, "/consent/legal-grounds/", add)
    assert few == many <= 15


def test_my_actions(client, world):
    sign_in(client, world.teacher)

    def add(n: int) -> None:
        for _ in range(n):
            child = ChildFactory(location=world.school)
            give_plan(world, open_case(world, child))

    few, many = grows(client, "/meetings/actions/", add)
    assert few == many <= 15
