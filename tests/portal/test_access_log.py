"""Every portal read is in the access log with the guardian as actor, and the chain that
holds those entries still verifies."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kansrijk.audit.models import AccessLogEntry, Event
from kansrijk.audit.verification import verify_log
from kansrijk.portal.models import Message
from kansrijk.privacy.inzage import inzage_export
from tests.conftest import World
from tests.portal.conftest import PortalFamily, enter

pytestmark = pytest.mark.django_db

READ_PAGES = [
    "portal:home", "portal:plan", "portal:contact", "portal:consents", "portal:messages",
    "portal:inzage",
]  # fmt: skip


def test_every_portal_page_leaves_one_entry_with_the_guardian(
    client: Client, family: PortalFamily
) -> None:
    enter(client, family.parent)
    for name in READ_PAGES:
        before = AccessLogEntry.objects.count()
        assert client.get(reverse(name)).status_code == 200, name
        assert AccessLogEntry.objects.count() == before + 1, name
        entry = AccessLogEntry.objects.order_by("-id").first()
        assert entry is not None
        assert entry.event == Event.READ and entry.guardian_id == family.parent.pk, name
        assert entry.user_id is None and entry.family_id == family.case.family_id, name
    report = verify_log()
    assert report.intact, report


def test_a_young_persons_reads_name_the_young_person(client: Client, family: PortalFamily) -> None:
    enter(client, family.teen)
    client.get(reverse("portal:home"))
    entry = AccessLogEntry.objects.order_by("-id").first()
    assert entry is not None
    assert entry.username == f"young person:{family.teen.pk}" and entry.guardian_id is None


def test_the_thread_is_part_of_the_file_and_of_inzage(family: PortalFamily, world: World) -> None:
    Message.objects.create(case=family.case, text="Graag een afspraak", guardian=family.parent)
    export = inzage_export(by=world.coach, family_id=family.case.family_id)
    assert [r["text"] for r in export.sections["portal.message"].rows] == ["Graag een afspraak"]
