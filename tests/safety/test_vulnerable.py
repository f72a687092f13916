"""The joint list of vulnerable families: the coordinator, the SWV specialist and the area
manager each add from their own source; case content only where the role allows."""

from __future__ import annotations

import pytest

from kansrijk.access.roles import Role
from kansrijk.audit.models import AccessLogEntry
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.safety import services
from tests.auth import sign_in
from tests.factories import OrganisationFactory, professional
from tests.safety.conftest import BSN

pytestmark = pytest.mark.django_db


@pytest.fixture
def area_manager(world):  # type: ignore[no-untyped-def]
    return professional(
        Role.AREA_MANAGER,
        None,
        organisation=OrganisationFactory(name="Gemeente Vlaardingen"),
        username="gebiedsmanager",
    )


def test_each_adds_from_their_source_and_the_area_manager_sees_no_case(
    client, world, pupil, safety_case, area_manager
):
    pupil.bsn = BSN
    pupil.save()
    services.vulnerable_family_add(
        by=area_manager, bsn=BSN, source="Gebiedsmanager", reason="Bekend bij schuldhulp"
    )
    services.vulnerable_family_add(by=world.swv, bsn=BSN, source="SWV-lijst", reason="Veel verzuim")
    assert AccessLogEntry.objects.filter(event="search", purpose="vulnerable families").count() == 2
    with pytest.raises(CaseError) as unknown:
        services.vulnerable_family_add(by=world.swv, bsn="123456782", source="x", reason="y")
    assert unknown.value.field == "bsn"
    with pytest.raises(NotFound):
        services.vulnerable_family_add(by=world.teacher, bsn=BSN, source="x", reason="y")

    sign_in(client, area_manager)
    page = client.get("/safety/vulnerable-families/").content.decode()
    assert page.count('data-testid="vulnerable-family"') == 2
    assert "Gebiedsmanager" in page and "SWV-lijst" in page
    assert 'data-testid="case-state"' not in page and f"/cases/{safety_case.pk}/" not in page
    api = client.get("/api/safety/vulnerable-families").json()
    assert {e["case_state"] for e in api} == {None}

    sign_in(client, world.coordinator)  # the matrix lets the coordinator see the case's state
    page = client.get("/safety/vulnerable-families/").content.decode()
    assert 'data-testid="case-state"' in page
    assert {e["case_state"] for e in client.get("/api/safety/vulnerable-families").json()} == {
        "signalled"
    }

    sign_in(client, world.teacher)
    assert client.get("/safety/vulnerable-families/").status_code == 404


def test_the_form_keeps_what_was_typed(client, world):
    sign_in(client, world.swv)
    response = client.post(
        "/safety/vulnerable-families/", {"bsn": "12345", "source": "SWV-lijst", "reason": "Zorgen"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="SWV-lijst"' in page and 'value="Zorgen"' in page
