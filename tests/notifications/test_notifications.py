"""Notifications reach the inbox at once and a real SMTP server after commit."""

from __future__ import annotations

import pytest
from django.db import transaction

from kansrijk.notifications.models import Notification
from kansrijk.notifications.services import notify
from tests.auth import sign_in


@pytest.mark.django_db(transaction=True)
def test_a_notification_is_mailed_after_commit_and_shown_in_the_inbox(client, world, smtp_server):
    with transaction.atomic():
        notify(
            to=world.coordinator, subject="Nieuwe P1-casus", body="Kijk vandaag.", url="/cases/1/"
        )
        assert smtp_server.messages == []  # nothing leaves before the commit
    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0]
    assert mail["To"] == world.coordinator.email
    assert "Nieuwe P1-casus" in mail["Subject"]
    assert "/cases/1/" in mail.get_payload()
    sign_in(client, world.coordinator)
    page = client.get("/notifications/").content.decode()
    assert "Nieuwe P1-casus" in page
    client.post("/notifications/read/")
    assert not Notification.objects.filter(read_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_nothing_is_mailed_when_the_write_rolls_back(world, smtp_server):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(to=world.coordinator, subject="Mag niet weg")
        raise RuntimeError
    assert smtp_server.messages == []
    assert not Notification.objects.exists()
