"""The inzage PDF through the real queue: asked on the page, made by the task worker, then
offered for download (privacy.files)."""

from __future__ import annotations

import threading

import pytest
from django.test import Client

from kansrijk.core.worker import ResilientWorker
from kansrijk.privacy.models import InzageFile
from tests.auth import sign_in
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_makes_the_asked_for_pdf(
    client: Client, world: World, case, officer, settings
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    sign_in(client, officer)
    page = f"/privacy/inzage/family/{case.family_id}/"
    asked = client.post(f"{page}pdf", follow=True)
    assert asked.status_code == 200
    file = InzageFile.objects.get()
    assert file.status == InzageFile.Status.QUEUED  # the request did not lay out the PDF
    text = asked.content.decode()
    assert "wordt gemaakt" in text and f"/privacy/inzage/file/{file.pk}/" not in text
    assert client.get(f"/privacy/inzage/file/{file.pk}/").status_code == 404

    worker = ResilientWorker(worker_id="test-inzage", interval=0.1, stop=threading.Event())
    assert worker.run_one() is True
    file.refresh_from_db()
    assert file.status == InzageFile.Status.READY and file.ready_at is not None
    assert f"/privacy/inzage/file/{file.pk}/" in client.get(page).content.decode()
    download = client.get(f"/privacy/inzage/file/{file.pk}/")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
