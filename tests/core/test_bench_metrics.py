"""The load test's per-request figures (kansrijk.core.bench_metrics): off unless the production
settings are told so, and when on, every response says how many queries it took and how
long it spent writing its access-log entries."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_off_by_default(client):
    assert "kansrijk.core.bench_metrics.BenchMetricsMiddleware" not in settings.MIDDLEWARE
    assert "X-Bench-Queries" not in client.get("/login/").headers


def test_on_every_response_carries_its_query_count_and_cpu_time(client, world):
    from tests.auth import sign_in

    middleware = ["kansrijk.core.bench_metrics.BenchMetricsMiddleware", *settings.MIDDLEWARE]
    with override_settings(MIDDLEWARE=middleware):
        sign_in(client, world.teacher)
        response = client.get("/")
    assert response.status_code == 200
    assert int(response.headers["X-Bench-Queries"]) > 0
    assert float(response.headers["X-Bench-App-CPU-ms"]) > 0
    assert float(response.headers["X-Bench-DB-CPU-ms"]) >= 0


def test_the_time_spent_writing_the_access_log_is_its_inserts_alone(client, world, pupil):
    """A page that logs its read has spent time on its entry; a page that reads no child's
    data (the login page) has none. Other statements do not count."""
    from tests.auth import sign_in
    from tests.cases.route import open_case

    case = open_case(world, pupil)
    middleware = ["kansrijk.core.bench_metrics.BenchMetricsMiddleware", *settings.MIDDLEWARE]
    with override_settings(MIDDLEWARE=middleware):
        assert float(client.get("/login/").headers["X-Bench-Log-ms"]) == 0
        sign_in(client, world.coach)
        logged = client.get(f"/cases/{case.pk}/")
    assert logged.status_code == 200
    assert float(logged.headers["X-Bench-Log-ms"]) > 0


def test_a_streamed_answer_says_its_figures_end_where_its_body_starts(client, world, pupil):
    """The inzage's JSON streams its access log after the headers are sent: the sweep then
    costs it by its time to the last byte (bench.sweep); a page says nothing of the kind."""
    from kansrijk.access.roles import Role
    from kansrijk.core.models import Organisation
    from tests.auth import sign_in
    from tests.cases.route import open_case
    from tests.factories import professional

    case = open_case(world, pupil)
    officer = professional(
        Role.PRIVACY_OFFICER, None, organisation=Organisation.objects.create(name="FG"),
        username="fg",
    )  # fmt: skip
    middleware = ["kansrijk.core.bench_metrics.BenchMetricsMiddleware", *settings.MIDDLEWARE]
    with override_settings(MIDDLEWARE=middleware):
        sign_in(client, officer)
        streamed = client.get(f"/privacy/inzage/family/{case.family_id}/json")
        page = client.get(f"/privacy/inzage/family/{case.family_id}/")
    assert streamed.status_code == 200 and streamed.headers["X-Bench-Streamed"] == "1"
    assert page.status_code == 200 and "X-Bench-Streamed" not in page.headers
