"""The community officer is involved in a case with a recorded reason and then sees that
case, and only the cases they are involved in, at summary level."""

from __future__ import annotations

import pytest

from kansrijk.access.matrix import Action
from kansrijk.access.policies import can
from kansrijk.cases import selectors as case_selectors
from kansrijk.cases.errors import CaseError
from kansrijk.cases.models import CaseMember
from kansrijk.consent.models import LegalGround
from kansrijk.safety import services
from tests.auth import sign_in
from tests.cases.route import open_case
from tests.factories import ChildFactory
from tests.safety.conftest import file_safety_signal

pytestmark = pytest.mark.django_db


def test_the_officer_sees_only_the_cases_they_are_involved_in(client, world, safety_case):
    other = file_safety_signal(world, ChildFactory(location=world.school))
    assert not case_selectors.cases_visible_to(world.officer).exists()
    member = services.involve_community_officer(
        by=world.coach,
        case_id=safety_case.pk,
        officer=world.officer,
        reason="Huiselijk geweld gemeld door buren.",
    )
    assert member.reason == "Huiselijk geweld gemeld door buren."
    assert LegalGround.objects.filter(case=safety_case, ground="meldcode").exists()
    assert list(case_selectors.cases_visible_to(world.officer)) == [safety_case]
    assert can(world.officer, Action.SUMMARY, safety_case)
    assert not can(world.officer, Action.FULL, safety_case)
    sign_in(client, world.officer)
    assert client.get(f"/cases/{safety_case.pk}/").status_code == 200
    assert client.get(f"/cases/{other.pk}/").status_code == 404
    assert [c["id"] for c in client.get("/api/cases").json()["items"]] == [safety_case.pk]


def test_involving_needs_a_reason_and_a_basis_for_sharing(world, pupil, safety_case):
    with pytest.raises(CaseError) as no_reason:
        services.involve_community_officer(
            by=world.coach, case_id=safety_case.pk, officer=world.officer, reason=" "
        )
    assert no_reason.value.field == "reason"
    with pytest.raises(CaseError):  # not an officer
        services.involve_community_officer(
            by=world.coach, case_id=safety_case.pk, officer=world.teacher, reason="x"
        )
    care = open_case(world, ChildFactory(location=world.school))
    with pytest.raises(CaseError, match="toestemming"):  # care route, no consent: no sharing
        services.involve_community_officer(
            by=world.coach, case_id=care.pk, officer=world.officer, reason="x"
        )


def test_the_page_and_api_involve_the_officer(client, world, safety_case):
    sign_in(client, world.coach)
    url = f"/safety/cases/{safety_case.pk}/community-officer/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"officer": world.officer.pk, "reason": ""}).status_code == 400
    assert (
        client.post(url, {"officer": world.officer.pk, "reason": "Buurtsignalen."}).status_code
        == 302
    )
    assert CaseMember.objects.get(role="community_officer").reason == "Buurtsignalen."
    token = client.get("/api/csrf").json()["csrf_token"]
    again = client.post(
        f"/api/safety/cases/{safety_case.pk}/community-officer",
        {"officer_id": world.officer.pk, "reason": "nogmaals"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert again.status_code == 422  # already involved
    sign_in(client, world.teacher)
    assert client.get(url).status_code == 404
