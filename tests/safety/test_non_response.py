"""Families that do not respond to the school are flagged to the coordinator at the
configured threshold, with the list of attempts."""

from __future__ import annotations

import datetime

import pytest

from kansrijk.cases.errors import NotFound
from kansrijk.safety import services
from kansrijk.safety.models import ContactAttempt, NonResponseFlag
from tests.auth import sign_in

DAY = datetime.date(2026, 10, 1)


@pytest.mark.django_db(transaction=True)
def test_the_coordinator_is_told_when_the_threshold_is_crossed(world, pupil, smtp_server, settings):
    settings.KANSRIJK_NON_RESPONSE_THRESHOLD = 3
    for kind in ("unanswered", "missed_appointment"):
        _attempt, flag = services.contact_attempt_record(
            by=world.teacher, child_id=pupil.pk, kind=kind, happened_on=DAY
        )
        assert flag is None
    assert smtp_server.messages == []
    _attempt, flag = services.contact_attempt_record(
        by=world.coach, child_id=pupil.pk, kind="absence", happened_on=DAY
    )
    assert flag is not None and flag.attempts == 3
    assert [m["To"] for m in smtp_server.messages] == [world.coordinator.email]
    mail = smtp_server.messages[0]
    assert "/safety/non-responding/" in mail.get_payload()
    assert "Sem" not in mail["Subject"] + mail.get_payload()
    # A fourth attempt does not flag (or mail) again.
    services.contact_attempt_record(by=world.teacher, child_id=pupil.pk, kind="unanswered")
    assert len(smtp_server.messages) == 1 and NonResponseFlag.objects.count() == 1


@pytest.mark.django_db
def test_the_threshold_is_configurable_and_the_page_lists_the_attempts(
    client, world, pupil, settings
):
    settings.KANSRIJK_NON_RESPONSE_THRESHOLD = 2
    sign_in(client, world.teacher)
    form = client.get("/safety/contact-attempts/new/")
    assert form.status_code == 200 and "Sem Jansen" in form.content.decode()
    assert (
        client.post(
            "/safety/contact-attempts/new/",
            {"child": pupil.pk, "kind": "nonsense", "happened_on": "2026-10-01"},
        ).status_code
        == 400
    )
    for kind in ("unanswered", "missed_appointment"):
        response = client.post(
            "/safety/contact-attempts/new/",
            {
                "child": pupil.pk,
                "kind": kind,
                "happened_on": "2026-10-01",
                "note": f"note {kind}",
            },
        )
        assert response.status_code == 302
    assert NonResponseFlag.objects.filter(family=pupil.family).exists()
    assert client.get("/safety/non-responding/").status_code == 404  # teachers do not see it
    sign_in(client, world.coordinator)
    page = client.get("/safety/non-responding/").content.decode()
    assert page.count('data-testid="flag"') == 1
    assert "note unanswered" in page and "note missed_appointment" in page
    flag = NonResponseFlag.objects.get()
    client.post(
        f"/safety/non-responding/{flag.pk}/resolve/",
        {f"flag{flag.pk}-resolution": "Huisbezoek gepland."},
    )
    flag.refresh_from_db()
    assert flag.resolved_by == world.coordinator
    assert not ContactAttempt.objects.filter(settled_at__isnull=True).exists()


@pytest.mark.django_db
def test_only_staff_of_the_pupils_location_record_attempts(world, pupil):
    with pytest.raises(NotFound):
        services.contact_attempt_record(by=world.other_coach, child_id=pupil.pk, kind="absence")
    with pytest.raises(NotFound):
        services.contact_attempt_record(by=world.officer, child_id=pupil.pk, kind="absence")


@pytest.mark.django_db
def test_the_api_records_attempts_and_lists_flags(client, world, pupil, settings):
    settings.KANSRIJK_NON_RESPONSE_THRESHOLD = 1
    sign_in(client, world.teacher)
    token = client.get("/api/csrf").json()["csrf_token"]
    created = client.post(
        "/api/safety/contact-attempts",
        {"child_id": pupil.pk, "kind": "absence", "note": "3x afwezig"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert created.status_code == 201 and created.json()["family_flagged"]
    assert client.get("/api/safety/non-responding").status_code == 404
    sign_in(client, world.coordinator)
    flags = client.get("/api/safety/non-responding").json()
    assert flags[0]["attempts"][0]["note"] == "3x afwezig"
