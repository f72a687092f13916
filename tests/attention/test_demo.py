"""The demo shows the kept attention list, an agreement about school due for review, the
vulnerable-families list with an approach, and an area manager who can sign in."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kansrijk.attention.models import AttentionChange, AttentionEntry, SchoolAgreement
from kansrijk.core.models import Professional
from kansrijk.demo.westwijk import seed_westwijk
from kansrijk.safety.models import VulnerableFamily


@pytest.mark.django_db
def test_the_demo_keeps_lists_agreements_and_an_area_manager() -> None:
    load = seed_westwijk(today=timezone.localdate())
    assert load is not None and load.failed_demos == []
    for code in ("pwa", "schakel", "wereldwijzer"):
        kept = AttentionEntry.objects.filter(location__code=code, removed_at__isnull=True)
        assert kept.exclude(need="").count() >= 3
        assert AttentionChange.objects.filter(location__code=code, kind="removed").exists()
    assert SchoolAgreement.objects.filter(review_on__lte=timezone.localdate()).count() >= 1
    manager = Professional.objects.get(username="gebiedsmanager")
    assert manager.memberships.get().role == "area_manager"
    assert VulnerableFamily.objects.exclude(approach="").filter(owner=manager).exists()
