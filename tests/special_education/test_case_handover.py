"""The zorgroute's outcome "referred to special education" hands the case over to the
receiving special school, with the parents' consent first (issue 16)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kansrijk.cases import services as case_services
from kansrijk.cases.models import Child
from kansrijk.cases.workflow import CaseState
from kansrijk.consent.models import Consent, Purpose
from kansrijk.special_education.models import Arrangement
from kansrijk.special_education.selectors import arrangements_for
from tests.auth import sign_in
from tests.cases.route import advance, open_case
from tests.conftest import World
from tests.special_education.world import special_world

pytestmark = pytest.mark.django_db


def closed_to_special_education(world: World, pupil: Child):  # type: ignore[no-untyped-def]
    case = advance(world, open_case(world, pupil), CaseState.EVALUATED)
    case_services.case_transition(
        by=world.coach, case_id=case.pk, name="close", data={"outcome": "special_education"}
    )
    return case


def test_handover_with_consent_creates_a_draft_at_the_special_school(
    world: World, pupil: Child, client: Client
) -> None:
    sp = special_world()
    case = closed_to_special_education(world, pupil)
    sign_in(client, world.coach)
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert reverse("special_education:case_handover", args=[case.pk]) in page
    guardian = pupil.family.guardians.get()
    response = client.post(
        reverse("special_education:case_handover", args=[case.pk]),
        {
            "child": pupil.pk,
            "school": sp.school.pk,
            "given": "1",
            "guardian": guardian.pk,
            "method": "paper",
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get(child=pupil, purpose=Purpose.WARM_HANDOVER)
    assert consent.recipient == sp.school.organisation and consent.status == Consent.Status.GIVEN
    arrangement = Arrangement.objects.get(child=pupil)
    assert arrangement.school == sp.school and arrangement.state == Arrangement.State.DRAFT
    assert arrangement.source_case == case
    assert arrangements_for(sp.coach).filter(pk=arrangement.pk).exists()
    assert not arrangements_for(sp.other_coach).filter(pk=arrangement.pk).exists()


def test_without_consent_nothing_is_handed_over(world: World, pupil: Child, client: Client) -> None:
    sp = special_world()
    case = closed_to_special_education(world, pupil)
    sign_in(client, world.coach)
    response = client.post(
        reverse("special_education:case_handover", args=[case.pk]),
        {"child": pupil.pk, "school": sp.school.pk, "given": "0", "method": "paper"},
    )
    assert response.status_code == 302
    assert not Arrangement.objects.exists()
    assert Consent.objects.get(purpose=Purpose.WARM_HANDOVER).status == Consent.Status.REFUSED


def test_a_case_closed_otherwise_is_not_handed_over(
    world: World, pupil: Child, client: Client
) -> None:
    sp = special_world()
    case = advance(world, open_case(world, pupil), CaseState.CLOSED)
    sign_in(client, world.coach)
    response = client.post(
        reverse("special_education:case_handover", args=[case.pk]),
        {"child": pupil.pk, "school": sp.school.pk, "given": "1", "method": "paper"},
    )
    assert response.status_code == 400
    assert "verwijzing naar speciaal onderwijs" in response.content.decode()
    # Someone without a tie to the case gets the same 404 as for a missing case.
    stranger = sign_in(Client(), sp.coach)
    assert (
        stranger.get(reverse("special_education:case_handover", args=[case.pk])).status_code == 404
    )


def test_a_young_person_of_13_answers_with_the_parent(
    world: World, pupil: Child, client: Client
) -> None:
    """VSO pupils are often 12 or older: then the young person answers too."""
    import datetime

    from django.utils import timezone

    sp = special_world()
    Child.objects.filter(pk=pupil.pk).update(
        date_of_birth=timezone.localdate() - datetime.timedelta(days=13 * 366)
    )
    case = closed_to_special_education(world, pupil)
    sign_in(client, world.coach)
    guardian = pupil.family.guardians.get()
    url = reverse("special_education:case_handover", args=[case.pk])
    form = {
        "child": pupil.pk,
        "school": sp.school.pk,
        "given": "1",
        "guardian": guardian.pk,
        "method": "paper",
    }
    refused = client.post(url, form)
    assert refused.status_code == 400 and "tussen 12 en 16" in refused.content.decode()
    assert not Arrangement.objects.exists()
    assert client.post(url, {**form, "by_child": "on"}).status_code == 302
    consent = Consent.objects.get(child=pupil, purpose=Purpose.WARM_HANDOVER)
    assert consent.by_child and consent.status == Consent.Status.GIVEN
    assert Arrangement.objects.filter(child=pupil).exists()
