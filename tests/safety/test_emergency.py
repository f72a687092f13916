"""Break-the-glass: a professional without a relation opens a case in an emergency with a
stated reason; logged, the coordinator told, waiting for review, and over after an hour."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kansrijk.access.matrix import Action
from kansrijk.access.policies import can
from kansrijk.audit.models import AccessLogEntry
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.safety import services
from kansrijk.safety.models import EmergencyAccess
from tests.auth import sign_in
from tests.safety.conftest import BSN, file_safety_signal


@pytest.fixture
def known_pupil(pupil):  # type: ignore[no-untyped-def]
    pupil.bsn = BSN
    pupil.save()
    return pupil


@pytest.mark.django_db(transaction=True)
def test_break_the_glass_is_logged_told_reviewed_and_expires(
    client, world, known_pupil, smtp_server
):
    case = file_safety_signal(world, known_pupil)
    outsider = world.nurse  # works at the child's centre, has no relation to the case
    assert not can(outsider, Action.SUMMARY, case)
    sign_in(client, outsider)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    found = client.post("/safety/emergency/", {"search-bsn": BSN}).content.decode()
    assert f"case {case.pk}" in found.lower() or f"casus {case.pk}" in found.lower()
    assert AccessLogEntry.objects.filter(
        event="search", user_id=outsider.pk, child_id=known_pupil.pk
    ).exists()
    smtp_server.messages.clear()
    refused = client.post("/safety/emergency/grant/", {"bsn": BSN, "reason": ""})
    assert refused.status_code == 400
    opened = client.post(
        "/safety/emergency/grant/",
        {"bsn": BSN, "reason": "Kind staat huilend voor de deur, ouders onbereikbaar."},
    )
    assert opened.status_code == 302 and opened["Location"] == f"/cases/{case.pk}/"
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert can(outsider, Action.FULL, case) and not can(outsider, Action.EDIT, case)
    log = AccessLogEntry.objects.get(purpose__startswith="break the glass: Kind staat")
    assert log.case_id == case.pk and log.user_id == outsider.pk
    told = {m["To"]: m.get_payload() for m in smtp_server.messages}
    assert set(told) == {world.coordinator.email, case.contact_person.email}
    assert "/safety/emergency/review/" in told[world.coordinator.email]
    assert f"/cases/{case.pk}/" in told[case.contact_person.email]

    grant = EmergencyAccess.objects.get()
    EmergencyAccess.objects.filter(pk=grant.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    outsider = type(outsider).objects.get(pk=outsider.pk)
    assert not can(outsider, Action.SUMMARY, case)
    assert client.get(f"/cases/{case.pk}/").status_code == 404

    sign_in(client, world.coordinator)
    page = client.get("/safety/emergency/review/").content.decode()
    assert page.count('data-testid="grant"') == 1 and "ouders onbereikbaar" in page
    client.post(f"/safety/emergency/review/{grant.pk}/", {"outcome": "approved", "note": ""})
    grant.refresh_from_db()
    assert (grant.review, grant.reviewed_by) == ("approved", world.coordinator)
    assert 'data-testid="grant"' not in client.get("/safety/emergency/review/").content.decode()


@pytest.mark.django_db
def test_roles_without_break_the_glass_and_bad_requests(client, world, known_pupil):
    case = file_safety_signal(world, known_pupil)
    for user in (world.teacher, world.officer, world.policy_officer):
        with pytest.raises(NotFound):
            services.emergency_access_grant(by=user, bsn=BSN, reason="nood")
        sign_in(client, user)
        assert client.get("/safety/emergency/").status_code == 404
    with pytest.raises(CaseError):  # the coach of the school already has access
        services.emergency_access_grant(by=world.coach, bsn=BSN, reason="nood")
    with pytest.raises(CaseError) as unknown:
        services.emergency_access_grant(by=world.other_coach, bsn="123456782", reason="nood")
    assert unknown.value.field == "bsn"
    with pytest.raises(CaseError) as no_reason:
        services.emergency_access_grant(by=world.other_coach, bsn=BSN, reason="  ")
    assert no_reason.value.field == "reason"
    assert not EmergencyAccess.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_the_api_breaks_the_glass_and_the_coordinator_flags_it(client, world, known_pupil):
    case = file_safety_signal(world, known_pupil)
    sign_in(client, world.nurse)
    token = client.get("/api/csrf").json()["csrf_token"]
    assert client.get(f"/api/cases/{case.pk}").status_code == 404
    granted = client.post(
        "/api/safety/emergency-access",
        {"bsn": BSN, "reason": "Crisis thuis."},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert granted.status_code == 201 and granted.json()["case_id"] == case.pk
    assert client.get(f"/api/cases/{case.pk}").json()["full"] is True
    assert (
        client.post(
            "/api/safety/emergency-access",
            {"bsn": "12", "reason": "x"},
            content_type="application/json",
            HTTP_X_CSRFTOKEN=token,
        ).status_code
        == 422
    )
    sign_in(client, world.coordinator)
    token = client.get("/api/csrf").json()["csrf_token"]
    waiting = client.get("/api/safety/emergency-access/review").json()
    assert [g["case_id"] for g in waiting] == [case.pk]
    flagged = client.post(
        f"/api/safety/emergency-access/{waiting[0]['id']}/review",
        {"outcome": "flagged", "note": "Geen noodsituatie."},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert flagged.status_code == 200 and flagged.json()["review"] == "flagged"
    nurse = type(world.nurse).objects.get(pk=world.nurse.pk)
    assert not can(nurse, Action.SUMMARY, case)  # a flagged access ends at once


@pytest.mark.django_db
def test_a_bsn_failing_the_elfproef_is_called_invalid_not_unknown(client, world, known_pupil):
    sign_in(client, world.nurse)
    page = client.post("/safety/emergency/", {"search-bsn": "123456789"})
    text = page.content.decode()
    assert page.status_code == 400
    assert "Dit is geen geldig BSN" in text
    assert "Geen kind met dit BSN bekend" not in text
    assert not AccessLogEntry.objects.filter(event="search", user_id=world.nurse.pk).exists()
    unknown = client.post("/safety/emergency/", {"search-bsn": "999990019"}).content.decode()
    assert "Geen kind met dit BSN bekend" in unknown
