"""The quarter report is made by the task worker, never in the request (issue 17: a region's
106 pages took ~15 s of WeasyPrint in the request): many asks queue one task, the same
centres share one file, a newer snapshot or a lost or failed task makes it again."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kansrijk.audit.models import AccessLogEntry, Event
from kansrijk.monitor.models import ReportFile
from kansrijk.monitor.periods import Period
from kansrijk.monitor.services import snapshot_refresh
from kansrijk.monitor.tasks import make_report_pdf
from tests.auth import sign_in

pytestmark = pytest.mark.django_db

QUEUED = override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
URL = "/monitor/report.pdf?year=2025&quarter=1"
MAKING = "Het kwartaalrapport wordt gemaakt"


def _queued() -> int:
    return DBTaskResult.objects.filter(task_path=make_report_pdf.module_path).count()


def _exports() -> int:
    return AccessLogEntry.objects.filter(
        event=Event.EXPORT, detail__startswith="monitor pdf"
    ).count()


@QUEUED
def test_many_asks_queue_one_task_and_the_region_shares_the_file(client, dataset):
    snapshot_refresh(period=Period.quarter(2025, 1))
    sign_in(client, dataset.world.policy_officer)
    for _ in range(3):
        response = client.get(URL)
        assert response.status_code == 202 and response["Retry-After"] == "15"
        assert MAKING in response.content.decode()
    assert _queued() == 1 and _exports() == 0  # nothing laid out, nothing handed out

    file = ReportFile.objects.get()
    assert (file.audience, file.centres, file.status) == ("region", None, "queued")
    assert make_report_pdf.call(file.pk) == "ready"
    response = client.get(URL)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'attachment; filename="monitor-2025-Q1.pdf"'
    coordinator = Client()
    sign_in(coordinator, dataset.world.coordinator)  # the region too: the same file
    assert coordinator.get(URL).content == response.content
    assert ReportFile.objects.count() == 1 and _queued() == 1 and _exports() == 2

    # Refreshed figures make it again; meanwhile the one made before is handed out.
    made_from = ReportFile.objects.get().computed_at
    snapshot_refresh(period=Period.quarter(2025, 1))
    again = client.get(URL)
    assert again.status_code == 200 and again.content == response.content
    assert client.get(URL).status_code == 200
    assert _queued() == 2  # one remake for both views
    assert make_report_pdf.call(file.pk) == "ready"
    assert ReportFile.objects.get().computed_at > made_from
    assert client.get(URL).status_code == 200 and _queued() == 2


@QUEUED
def test_a_director_gets_a_file_of_their_own_centre(client, dataset):
    snapshot_refresh(period=Period.quarter(2025, 1))
    sign_in(client, dataset.world.director)
    assert client.get(URL).status_code == 202
    file = ReportFile.objects.get()
    assert file.audience != "region" and file.centres == [dataset.world.school.pk]
    assert make_report_pdf.call(file.pk) == "ready"
    region = Client()
    sign_in(region, dataset.world.policy_officer)
    assert region.get(URL).status_code == 202  # not the director's file
    assert ReportFile.objects.count() == 2
    assert client.get(URL).status_code == 200


@QUEUED
def test_a_lost_or_failed_task_is_asked_again(client, dataset):
    snapshot_refresh(period=Period.quarter(2025, 1))
    sign_in(client, dataset.world.policy_officer)
    assert client.get(URL).status_code == 202
    file = ReportFile.objects.get()
    ReportFile.objects.filter(pk=file.pk).update(
        requested_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert client.get(URL).status_code == 202
    assert _queued() == 2  # the worker that had it stopped: queued again

    ReportFile.objects.filter(pk=file.pk).update(status=ReportFile.Status.FAILED)
    assert client.get(URL).status_code == 202
    assert _queued() == 3

    # A remake that fails leaves the file made before to hand out.
    assert make_report_pdf.call(file.pk) == "ready"
    snapshot_refresh(period=Period.quarter(2025, 1))
    assert client.get(URL).status_code == 200  # queues the remake
    ReportFile.objects.filter(pk=file.pk).update(status=ReportFile.Status.FAILED)
    assert client.get(URL).status_code == 200 and _queued() == 5


def test_a_task_that_fails_says_so_on_the_page(client, dataset, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("layout failed")

    monkeypatch.setattr("kansrijk.monitor.exports.to_pdf", broken)
    sign_in(client, dataset.world.policy_officer)
    response = client.get(URL)  # the immediate backend makes it here, and it fails
    assert response.status_code == 503
    assert "kon niet worden gemaakt" in response.content.decode()
    assert ReportFile.objects.get().status == ReportFile.Status.FAILED
    assert _exports() == 0
