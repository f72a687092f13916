"""The monitor never computes in a request and never fans out (issue 17): a page reads its
snapshot, queues at most one refresh per period, and says so while there is none."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kansrijk.monitor.models import MonitorSnapshot
from kansrijk.monitor.periods import Period
from kansrijk.monitor.selectors import report_for
from kansrijk.monitor.services import snapshot_refresh, snapshot_refresh_request
from kansrijk.monitor.tasks import enqueue_standard_refreshes, refresh_snapshot
from tests.auth import sign_in

pytestmark = pytest.mark.django_db

QUEUED = override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
PREPARING = "De cijfers van deze periode worden voorbereid"


def _queued() -> int:
    return DBTaskResult.objects.filter(task_path=refresh_snapshot.module_path).count()


@QUEUED
def test_without_a_snapshot_the_page_says_it_is_being_prepared_and_queues_one_refresh(
    client, world, django_capture_on_commit_callbacks
):
    sign_in(client, world.coordinator)
    for _ in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get("/monitor/")
        assert response.status_code == 200
        assert PREPARING in response.content.decode()
    assert not MonitorSnapshot.objects.exists()  # nothing computed in the request
    assert _queued() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get("/monitor/export.csv").status_code == 503
        assert client.get("/api/monitor/report").status_code == 503
    assert _queued() == 1

    # The worker runs the task; the page then shows the figures.
    period = Period.default()
    assert refresh_snapshot.call(period.first_month, period.last_month) is True
    DBTaskResult.objects.all().delete()
    response = client.get("/monitor/")
    assert PREPARING not in response.content.decode()
    assert "Monitor" in response.content.decode()
    assert _queued() == 0  # fresh: nothing queued


@QUEUED
def test_a_stale_snapshot_is_served_and_refreshed_once(
    client, world, django_capture_on_commit_callbacks
):
    period = Period.default()
    snapshot = snapshot_refresh(period=period)
    MonitorSnapshot.objects.filter(pk=snapshot.pk).update(
        computed_at=timezone.now() - datetime.timedelta(hours=2)
    )
    sign_in(client, world.coordinator)
    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get("/monitor/")
        assert PREPARING not in response.content.decode()
    assert _queued() == 1
    # The nightly command does not add a second refresh of the same period either.
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_standard_refreshes()
    assert (
        DBTaskResult.objects.filter(
            task_path=refresh_snapshot.module_path,
            args_kwargs={"args": [period.first_month, period.last_month], "kwargs": {}},
        ).count()
        == 1
    )


def test_a_refresh_that_finds_its_snapshot_fresh_does_nothing(world):
    period = Period.default()
    assert refresh_snapshot.call(period.first_month, period.last_month) is True
    computed = MonitorSnapshot.objects.get().computed_at
    assert refresh_snapshot.call(period.first_month, period.last_month) is False
    assert MonitorSnapshot.objects.get().computed_at == computed
    assert snapshot_refresh_request(period=period) is False


def test_the_selector_only_reads():
    period = Period.default()
    with CaptureQueriesContext(connection) as queries:
        assert report_for(period) is None
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)
    assert not MonitorSnapshot.objects.exists()


def test_the_region_dashboard_shows_fifteen_centres_a_page(client, world):
    """A region of 120 centres made a 1.2 MB page (issue 17): the dashboard pages the
    centres; the CSV holds them all."""
    from kansrijk.core.models import Location
    from kansrijk.monitor.views import CENTRES_PER_PAGE
    from tests.factories import LocationFactory

    for number in range(1, 18):
        LocationFactory(name=f"ZZ Bench {number:02d}", kind=Location.Kind.CHILD_CENTRE)
    snapshot_refresh(period=Period.default())
    sign_in(client, world.policy_officer)
    row = '<th scope="row">ZZ Bench {}</th>'.format
    first = client.get("/monitor/").content.decode()
    assert 'data-testid="centre-pages"' in first and row("17") not in first
    last_page = -(-Location.objects.filter(kind__in=["child_centre", "childcare"]).count()
                  // CENTRES_PER_PAGE)  # fmt: skip
    last = client.get(f"/monitor/?centres_page={last_page}").content.decode()
    assert row("17") in last and row("01") not in last
    assert "ZZ Bench 17" in client.get("/monitor/export.csv").content.decode()
