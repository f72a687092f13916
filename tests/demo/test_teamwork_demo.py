"""The demo shows issue 14's team work: a case thread, a stand-in and homework support."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kansrijk.access.matrix import Action
from kansrijk.access.policies import can
from kansrijk.cases.models import Case
from kansrijk.core.models import Professional
from kansrijk.demo.westwijk import seed_westwijk
from kansrijk.homework.models import HomeworkSupport
from kansrijk.standins.models import StandIn
from kansrijk.threads.models import ThreadMessage
from kansrijk.threads.selectors import unread_threads


@pytest.mark.django_db
def test_the_demo_has_a_thread_a_stand_in_and_homework_support() -> None:
    load = seed_westwijk(today=timezone.localdate())
    assert load is not None and load.failed_demos == []
    specialist = Professional.objects.get(username="gs.pwa")
    assert ThreadMessage.objects.count() == 2
    assert len(unread_threads(specialist)) == 1  # the IB answered last
    assert unread_threads(Professional.objects.get(username="ib.pwa")) == []
    chosen = StandIn.objects.get()
    assert chosen.stand_in == specialist
    away = Case.objects.filter(contact_person__username="gs.schakel", state="in_support").first()
    if away is not None:
        assert can(specialist, Action.EDIT, away)
    assert HomeworkSupport.objects.filter(specialist=specialist).count() == 2
