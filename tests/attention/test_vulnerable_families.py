"""The joint list of vulnerable families (issue 14, seed 001: SWV and area managers): each
entry gets an approach, an owner and a review date, and is closed with a reason."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

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


@pytest.fixture
def entry(world, pupil, area_manager):  # type: ignore[no-untyped-def]
    pupil.bsn = BSN
    pupil.save()
    return services.vulnerable_family_add(
        by=area_manager, bsn=BSN, source="Gebiedsmanager", reason="Bekend bij schuldhulp"
    )


def test_an_approach_with_owner_and_review_date_then_closed_with_a_reason(
    world, entry, area_manager
):
    review = timezone.localdate() + datetime.timedelta(days=7)
    services.vulnerable_family_plan(
        by=world.swv,
        entry_id=entry.pk,
        approach="Huisbezoek met het wijkteam",
        owner=area_manager,
        review_on=review,
    )
    entry.refresh_from_db()
    assert (entry.approach, entry.owner, entry.review_on) == (
        "Huisbezoek met het wijkteam",
        area_manager,
        review,
    )
    with pytest.raises(CaseError) as no_reason:
        services.vulnerable_family_close(by=area_manager, entry_id=entry.pk, reason="")
    assert no_reason.value.field == "reason"
    services.vulnerable_family_close(by=area_manager, entry_id=entry.pk, reason="Hulp loopt")
    entry.refresh_from_db()
    assert (entry.close_reason, entry.closed_by) == ("Hulp loopt", area_manager)
    with pytest.raises(NotFound):  # closed: no more changes
        services.vulnerable_family_close(by=area_manager, entry_id=entry.pk, reason="x")
    assert AccessLogEntry.objects.filter(
        purpose="vulnerable families", detail=f"entry {entry.pk}: closed"
    ).exists()


def test_bad_input_and_strangers_are_refused(world, entry, area_manager):
    past = timezone.localdate() - datetime.timedelta(days=1)
    for kwargs, field in (
        ({"approach": " ", "owner": area_manager, "review_on": past}, "approach"),
        ({"approach": "x", "owner": world.teacher, "review_on": past}, "owner"),
        ({"approach": "x", "owner": area_manager, "review_on": past}, "review_on"),
    ):
        with pytest.raises(CaseError) as refused:
            services.vulnerable_family_plan(by=world.swv, entry_id=entry.pk, **kwargs)
        assert refused.value.field == field
    for stranger in (world.teacher, world.family_specialist, world.coach):
        with pytest.raises(NotFound):
            services.vulnerable_family_close(by=stranger, entry_id=entry.pk, reason="x")


def test_the_page_keeps_what_was_typed_and_shows_the_closed_entry(
    client, world, entry, area_manager
):
    sign_in(client, area_manager)
    bad = client.post(
        f"/safety/vulnerable-families/{entry.pk}/approach/",
        {"approach": "Wekelijks bellen", "owner": area_manager.pk, "review_on": "2001-01-01"},
    )
    assert bad.status_code == 400
    assert "Wekelijks bellen" in bad.content.decode()
    assert "verleden" in bad.content.decode()
    review = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    done = client.post(
        f"/safety/vulnerable-families/{entry.pk}/approach/",
        {"approach": "Wekelijks bellen", "owner": area_manager.pk, "review_on": review},
    )
    assert done.status_code == 302
    client.post(f"/safety/vulnerable-families/{entry.pk}/close/", {"reason": "Verhuisd"})
    page = client.get("/safety/vulnerable-families/").content.decode()
    assert "Verhuisd" in page and "Afgesloten op" in page
    listed = client.get("/api/safety/vulnerable-families").json()
    assert [(e["approach"], e["close_reason"]) for e in listed] == [
        ("Wekelijks bellen", "Verhuisd")
    ]
    sign_in(client, world.teacher)
    closing = client.post(f"/safety/vulnerable-families/{entry.pk}/close/", {"reason": "x"})
    assert closing.status_code == 404
