"""Demo: gs.schakel is away this week; the coordinator chose gs.pwa as stand-in."""

from __future__ import annotations

import datetime

from django.utils import timezone

from kansrijk.core.models import Professional
from kansrijk.roster.models import Absence
from kansrijk.standins.services import stand_in_set


def seed_standins_demo() -> None:
    people = {
        p.username: p
        for p in Professional.objects.filter(username__in=["gs.schakel", "gs.pwa", "regisseur"])
    }
    today = timezone.localdate()
    absence = Absence.objects.create(
        professional=people["gs.schakel"],
        kind=Absence.Kind.LEAVE,
        start=today,
        end=today + datetime.timedelta(days=4),
        reason="Demo: verlof",
        reported_by=people["regisseur"],
    )
    stand_in_set(by=people["regisseur"], absence_id=absence.pk, stand_in=people["gs.pwa"])
