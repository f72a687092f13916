"""The pages of integrated arrangements: what the school, the provider and strangers see."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kansrijk.cases.models import Child
from kansrijk.special_education import services
from kansrijk.special_education.models import Arrangement
from tests.auth import sign_in
from tests.factories import ChildFactory
from tests.pages import main_text
from tests.special_education.test_services import activate, complete
from tests.special_education.world import Special, special_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def sp() -> Special:
    return special_world()


def test_the_list_is_paged_and_its_queries_do_not_grow(sp: Special, client: Client) -> None:
    sign_in(client, sp.coach)
    url = reverse("special_education:arrangements")
    complete(sp)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(6):
        child: Child = ChildFactory(location=sp.school, group="B1")
        services.arrangement_create(
            by=sp.coach, child=child, opp_goals="Rekenen", provider=sp.provider
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few)
    assert sp.pupil.given_name in response.content.decode()


def test_a_bad_form_keeps_what_was_typed_with_a_dutch_message(sp: Special, client: Client) -> None:
    sign_in(client, sp.coach)
    response = client.post(
        reverse("special_education:arrangement_new"),
        {
            "child": sp.pupil.pk,
            "opp_goals": "Zelfstandig werken 20 minuten",
            "hours_per_week": "veel",
            "decision_start": "2026-09-01",
            "decision_end": "2026-08-01",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Zelfstandig werken 20 minuten" in text
    assert "Geef de uren per week als getal van 0,5 tot 40." in text
    assert not Arrangement.objects.exists()


def test_create_consent_start_and_write_in_the_plan(sp: Special, client: Client) -> None:
    sign_in(client, sp.coach)
    today = timezone.localdate()
    response = client.post(
        reverse("special_education:arrangement_new"),
        {
            "child": sp.pupil.pk,
            "opp_goals": "Zelfstandig werken 20 minuten",
            "opp_support": "Prikkelarme werkplek",
            "provider": sp.provider.pk,
            "care_kind": "Gezinsbegeleiding",
            "hours_per_week": "2,5",
            "decision_number": "BES-1",
            "decision_start": today.isoformat(),
            "decision_end": (today + datetime.timedelta(days=300)).isoformat(),
            "coordinator": sp.care_worker.pk,
            "evaluation_date": (today + datetime.timedelta(days=60)).isoformat(),
            "replaced_indications": "2",
        },
    )
    assert response.status_code == 302
    arrangement = Arrangement.objects.get()
    url = reverse("special_education:arrangement_consent", args=[arrangement.pk])
    client.post(url, {"given": "1", "guardian": sp.guardian.pk, "method": "paper"})
    client.post(reverse("special_education:arrangement_activate", args=[arrangement.pk]))
    arrangement.refresh_from_db()
    assert arrangement.state == Arrangement.State.ACTIVE
    provider = sign_in(Client(), sp.care_worker)
    page = provider.get(reverse("special_education:arrangement_detail", args=[arrangement.pk]))
    assert "Zelfstandig werken 20 minuten" in page.content.decode()
    provider.post(
        reverse("special_education:arrangement_entry", args=[arrangement.pk]),
        {"text": "Thuisbezoek gedaan"},
    )
    page = client.get(reverse("special_education:arrangement_detail", args=[arrangement.pk]))
    assert "Thuisbezoek gedaan" in page.content.decode()


def test_strangers_get_404(sp: Special, client: Client) -> None:
    arrangement = activate(sp, complete(sp))
    for person in (sp.other_coach, sp.other_care_worker, sp.other_teacher):
        c = sign_in(Client(), person)
        for name in ("arrangement_detail", "arrangement_edit", "arrangement_renew"):
            url = reverse(f"special_education:{name}", args=[arrangement.pk])
            assert c.get(url).status_code == 404, (person, name)
        listing = main_text(c.get(reverse("special_education:arrangements")))
        assert sp.pupil.given_name not in listing
    # A teacher of the pupil's group reads it but does not keep it.
    c = sign_in(Client(), sp.teacher)
    assert (
        c.get(reverse("special_education:arrangement_detail", args=[arrangement.pk])).status_code
        == 200
    )
    assert (
        c.get(reverse("special_education:arrangement_edit", args=[arrangement.pk])).status_code
        == 404
    )


def test_renewal_page_refuses_a_decision_that_ends_sooner(sp: Special, client: Client) -> None:
    arrangement = activate(sp, complete(sp))
    sign_in(client, sp.coach)
    response = client.post(
        reverse("special_education:arrangement_renew", args=[arrangement.pk]),
        {
            "decision_number": "BES-2",
            "decision_start": timezone.localdate().isoformat(),
            "decision_end": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
            "evaluation_date": (timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "De nieuwe beschikking moet langer lopen dan de huidige" in text
    assert 'value="BES-2"' in text
