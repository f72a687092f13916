"""The second factor as a gate: after the password only the second step is open; the API
answers 401; wrong codes count towards the lockout and are logged."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from kansrijk.accounts import services
from kansrijk.audit.models import AccessLogEntry, Event
from tests.auth import current_code, sign_in, totp_device
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def password_step(client, user):
    """The real password step only: the session is signed in but not yet verified."""
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def wrong_code(device: TOTPDevice) -> str:
    right = current_code(device)
    return "000000" if right != "000000" else "111111"


def test_the_password_leads_to_the_second_step_keeping_the_page_asked_for(client, world):
    totp_device(world.teacher)
    response = client.post(
        "/login/?next=/signals/new/",
        {"username": "leerkracht", "password": PASSWORD, "next": "/signals/new/"},
    )
    assert response["Location"] == "/account/verify/?next=%2Fsignals%2Fnew%2F"


def test_without_a_device_the_second_step_sends_to_enrolment(client, world):
    password_step(client, world.teacher)
    response = client.get("/account/verify/?next=/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/enrol/")


def test_an_unverified_session_reaches_no_page(client, world):
    totp_device(world.teacher)
    password_step(client, world.teacher)
    response = client.get("/signals/new/")
    assert response.status_code == 302
    assert response["Location"] == "/account/verify/?next=%2Fsignals%2Fnew%2F"
    assert client.get(reverse("accounts:password_change")).status_code == 302
    assert client.get("/health").status_code == 200  # public pages stay public
    assert client.get("/account/verify/").status_code == 200


def test_an_unverified_session_gets_401_problem_from_the_api(client, world):
    totp_device(world.teacher)
    password_step(client, world.teacher)
    response = client.get("/api/cases")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401


def test_a_verified_session_reaches_pages_and_the_api(client, world):
    sign_in(client, world.teacher)
    assert client.get("/signals/new/").status_code == 200
    assert client.get("/api/cases").status_code == 200


def test_the_right_code_verifies_and_goes_to_the_page_asked_for(client, world):
    device = totp_device(world.teacher)
    password_step(client, world.teacher)
    response = client.post(
        "/account/verify/", {"code": current_code(device), "next": "/signals/new/"}
    )
    assert response["Location"] == "/signals/new/"
    assert client.get("/signals/new/").status_code == 200
    assert AccessLogEntry.objects.filter(
        event=Event.LOGIN, username="leerkracht", detail="second factor verified: authenticator app"
    ).exists()


def test_next_pointing_elsewhere_is_ignored(client, world):
    device = totp_device(world.teacher)
    password_step(client, world.teacher)
    response = client.post(
        "/account/verify/", {"code": current_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("cases:my_work")


def test_a_wrong_code_is_refused_and_logged(client, world):
    device = totp_device(world.teacher)
    password_step(client, world.teacher)
    response = client.post("/account/verify/", {"code": wrong_code(device)})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert client.get("/signals/new/").status_code == 302
    assert (
        AccessLogEntry.objects.filter(event=Event.LOGIN_FAILED, username="leerkracht").count() == 1
    )


def test_five_wrong_codes_lock_out_and_sign_out(client, world):
    device = totp_device(world.teacher)
    password_step(client, world.teacher)
    for _ in range(4):
        # Clear the device's own growing delay so each try is a real, counted failure.
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
        response = client.post("/account/verify/", {"code": wrong_code(device)})
        assert response.status_code == 200
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    response = client.post("/account/verify/", {"code": wrong_code(device)})
    assert response.status_code == 429
    assert b'id="locked-out"' in response.content
    assert "_auth_user_id" not in client.session  # signed out
    # The password alone no longer opens anything.
    response = client.post("/login/", {"username": "leerkracht", "password": PASSWORD})
    assert response.status_code == 429
    log = AccessLogEntry.objects.filter(event=Event.LOGIN_FAILED, username="leerkracht")
    assert log.filter(detail="locked out after repeated failures").exists()


def test_a_recovery_code_verifies_once(client, world):
    totp_device(world.teacher)
    codes = services.recovery_codes_renew(by=world.teacher)
    password_step(client, world.teacher)
    response = client.post("/account/verify/", {"code": codes[0].upper()})
    assert response["Location"] == reverse("cases:my_work")
    assert services.recovery_codes_left(world.teacher) == 9
    client.post(reverse("core:logout"))
    password_step(client, world.teacher)
    response = client.post("/account/verify/", {"code": codes[0]})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]


def test_renewing_recovery_codes_keeps_a_session_verified_by_one(client, world):
    totp_device(world.teacher)
    codes = services.recovery_codes_renew(by=world.teacher)
    password_step(client, world.teacher)
    client.post("/account/verify/", {"code": codes[0]})
    response = client.post(reverse("accounts:recovery_codes"))
    assert client.get(response["Location"]).status_code == 200
    assert client.get("/signals/new/").status_code == 200
    assert services.recovery_codes_left(world.teacher) == 10


def test_recovery_codes_are_shown_once_and_can_be_renewed(client, world):
    sign_in(client, world.teacher)
    old = services.recovery_codes_renew(by=world.teacher)
    response = client.post(reverse("accounts:recovery_codes"))
    assert response.status_code == 302
    page = client.get(response["Location"])
    codes = page.context["codes"]
    assert len(codes) == 10
    assert not set(codes) & set(old)
    assert client.get(reverse("accounts:recovery_codes")).context["codes"] is None


def test_logout_is_possible_between_password_and_code(client, world):
    totp_device(world.teacher)
    password_step(client, world.teacher)
    response = client.post(reverse("core:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_sign_in_gives_a_verified_session(client, world):
    sign_in(client, world.coach)
    assert client.get(reverse("accounts:security")).status_code == 200
