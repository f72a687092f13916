"""Every create happens once: a page form's one-time token and the API's Idempotency-Key make a
double click, the back button plus "send", or a client's retry answer the first result."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections
from django.test import Client

from kansrijk.audit.models import AccessLogEntry
from kansrijk.cases.models import PlanVersion, Signal
from kansrijk.cases.workflow import CaseState
from kansrijk.core.models import IdempotencyRecord
from tests.auth import sign_in
from tests.cases.route import advance, open_case

TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def _token(page: str) -> str:
    found = TOKEN.search(page)
    assert found, "the form carries no one-time token"
    return found.group(1)


def _signal_form(child_id: int, token: str) -> dict[str, object]:
    return {
        "child": child_id,
        "domain": "learning",
        "urgency": "normal",
        "description": "Leest nog niet vlot.",
        "form_token": token,
    }


def _plan_form(world, token: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "summary": "Nieuwe aanpak",
        "goals": "Sem leest groep 5 niveau",
        "evaluation_date": "2027-01-15",
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-0-description": "Leesles",
        "form-0-owner": world.teacher.pk,
        "form-0-due_date": "2026-12-20",
        "form_token": token,
    }


@pytest.mark.django_db
def test_sending_the_signal_form_twice_files_one_signal(world, pupil) -> None:
    client = sign_in(Client(), world.teacher)
    token = _token(client.get("/signals/new/").content.decode())
    first = client.post("/signals/new/", _signal_form(pupil.pk, token))
    again = client.post("/signals/new/", _signal_form(pupil.pk, token), follow=True)
    assert first.status_code == 302
    assert again.redirect_chain[0] == (first["Location"], 302)
    assert Signal.objects.count() == 1
    assert "Dit formulier was al verstuurd" in again.content.decode()


@pytest.mark.django_db
def test_a_form_with_errors_can_be_corrected_and_sent_with_its_token(world, pupil) -> None:
    client = sign_in(Client(), world.teacher)
    token = _token(client.get("/signals/new/").content.decode())
    wrong = client.post("/signals/new/", {**_signal_form(pupil.pk, token), "description": ""})
    assert wrong.status_code == 400
    assert client.post("/signals/new/", _signal_form(pupil.pk, token)).status_code == 302
    assert Signal.objects.count() == 1


@pytest.mark.django_db
def test_the_back_button_and_resend_make_no_second_plan_version(world, pupil) -> None:
    case = advance(world, open_case(world, pupil), CaseState.SCHOOL_PLAN)
    client = sign_in(Client(), world.coach)
    token = _token(client.get(f"/cases/{case.pk}/plan/").content.decode())
    before = PlanVersion.objects.filter(case=case).count()
    for _ in range(2):
        response = client.post(f"/cases/{case.pk}/plan/", _plan_form(world, token))
        assert response.status_code == 302
        assert response["Location"] == f"/cases/{case.pk}/"
    assert PlanVersion.objects.filter(case=case).count() == before + 1


@pytest.mark.django_db
def test_an_api_retry_with_the_same_key_answers_the_first_result(world, pupil) -> None:
    client = sign_in(Client(), world.teacher)
    csrf = client.get("/api/csrf").json()["csrf_token"]
    body = {"child_id": pupil.pk, "domain": "learning", "description": "Leest nog niet vlot."}
    headers = {"X-CSRFToken": csrf, "Idempotency-Key": "4b0c6a5e-retry"}
    first = client.post("/api/signals", body, content_type="application/json", headers=headers)
    again = client.post("/api/signals", body, content_type="application/json", headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Signal.objects.count() == 1
    assert AccessLogEntry.objects.filter(
        username=world.teacher.username, detail="replayed answer to POST /api/signals"
    ).exists()

    other = client.post(
        "/api/signals",
        {**body, "description": "Iets anders."},
        content_type="application/json",
        headers=headers,
    )
    assert (other.status_code, other["Content-Type"]) == (422, "application/problem+json")
    assert Signal.objects.count() == 1

    another_key = {**headers, "Idempotency-Key": "another"}
    response = client.post(
        "/api/signals", body, content_type="application/json", headers=another_key
    )
    assert response.status_code == 201 and Signal.objects.count() == 2


@pytest.mark.django_db
def test_a_key_belongs_to_one_professional(world, pupil) -> None:
    body = {"child_id": pupil.pk, "domain": "learning", "description": "Leest nog niet vlot."}
    for user in (world.teacher, world.other_teacher):
        client = sign_in(Client(), user)
        csrf = client.get("/api/csrf").json()["csrf_token"]
        headers = {"X-CSRFToken": csrf, "Idempotency-Key": "same-key"}
        client.post("/api/signals", body, content_type="application/json", headers=headers)
    assert IdempotencyRecord.objects.filter(key="api:same-key").count() == 2


def test_the_openapi_document_describes_the_header() -> None:
    from kansrijk.api import api

    document = api.get_openapi_schema(path_prefix="/api/")
    posts = [item["post"] for item in document["paths"].values() if "post" in item]
    assert posts
    for operation in posts:
        names = [p["name"] for p in operation.get("parameters", [])]
        assert "Idempotency-Key" in names, operation["operationId"]
    assert "Idempotency-Key" in document["info"]["description"]


# --- simultaneous duplicates, in real transactions on PostgreSQL -----------------------------


def run_together(jobs: list[Callable[[], object]]) -> list[object]:
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def worker(index: int, job: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_duplicate_posts_file_one_signal(world, pupil) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("simultaneous requests are tested on PostgreSQL")
    page = sign_in(Client(), world.teacher)
    token = _token(page.get("/signals/new/").content.decode())
    api = sign_in(Client(), world.teacher)
    csrf = api.get("/api/csrf").json()["csrf_token"]
    body = {"child_id": pupil.pk, "domain": "behaviour", "description": "Is erg stil."}
    headers = {"X-CSRFToken": csrf, "Idempotency-Key": "simultaneous"}

    pages = run_together(
        [lambda: page.post("/signals/new/", _signal_form(pupil.pk, token)) for _ in range(4)]
    )
    assert [r.status_code for r in pages] == [302] * 4, pages  # type: ignore[attr-defined]
    assert Signal.objects.filter(domain="learning").count() == 1

    answers = run_together(
        [
            lambda: api.post("/api/signals", body, content_type="application/json", headers=headers)
            for _ in range(4)
        ]
    )
    assert [r.status_code for r in answers] == [201] * 4, answers  # type: ignore[attr-defined]
    assert len({r.content for r in answers}) == 1  # type: ignore[attr-defined]
    assert Signal.objects.filter(domain="behaviour").count() == 1


@pytest.mark.django_db
def test_a_too_large_body_with_a_key_is_refused_as_too_large(world, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = sign_in(Client(), world.teacher)
    csrf = client.get("/api/csrf").json()["csrf_token"]
    response = client.post(
        "/api/signals",
        {"child_id": 1, "domain": "learning", "description": "x" * 5000},
        content_type="application/json",
        headers={"X-CSRFToken": csrf, "Idempotency-Key": "big"},
    )
    assert (response.status_code, response["Content-Type"]) == (413, "application/problem+json")
