"""No copy of personal data in a browser's or proxy's cache: every answer to a signed-in user
and every API answer says `Cache-Control: no-store`; anonymous public pages stay cacheable."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.auth import sign_in
from tests.cases.route import open_case

pytestmark = pytest.mark.django_db


def assert_no_store(response) -> None:  # type: ignore[no-untyped-def]
    assert "no-store" in response.get("Cache-Control", ""), response.get("Cache-Control")
    assert response["Pragma"] == "no-cache"


def test_case_pages_and_the_api_are_not_stored(world, pupil) -> None:
    case = open_case(world, pupil)
    client = sign_in(Client(), world.coach)
    for url in (
        f"/cases/{case.pk}/",
        "/api/cases",
        f"/api/cases/{case.pk}",
        "/api/pupils",
        f"/api/privacy/families/{case.family_id}/inzage",
        "/notifications/",
        "/cases/999999/",  # a 404 to a signed-in user too
    ):
        response = client.get(url)
        assert response.status_code in {200, 404}, (url, response.status_code)
        assert_no_store(response)


def test_the_monitor_downloads_are_not_stored(world) -> None:
    client = sign_in(Client(), world.policy_officer)
    for url in ("/monitor/", "/monitor/export.csv", "/monitor/export.xlsx"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_store(response)


def test_an_api_answer_without_a_session_is_not_stored_either(db) -> None:
    assert_no_store(Client().get("/api/cases"))


def test_the_login_answer_that_starts_a_session_is_not_stored(world) -> None:
    from tests.factories import PASSWORD

    response = Client().post("/login/", {"username": "ib", "password": PASSWORD})
    assert response.status_code == 302
    assert_no_store(response)


def test_an_anonymous_public_roster_answer_is_left_cacheable(world) -> None:
    response = Client().get(f"/roster/public/{world.school.code}/")
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Pragma" not in response
