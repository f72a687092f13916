"""A request Django refuses before any view (a forged Host header): the API answers it as
problem+json, as the fuzzing of the OpenAPI schema expects; a page with Django's 400."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_forged_host_gets_a_problem_from_the_api_and_a_400_page_elsewhere() -> None:
    client = Client(raise_request_exception=False)
    api = client.post("/api/cases", HTTP_HOST="HT!5qt_y<0,NH0'")
    assert api.status_code == 400
    assert api["Content-Type"] == "application/problem+json"
    assert api.json()["status"] == 400
    page = client.get("/", HTTP_HOST="HT!x<")
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")
