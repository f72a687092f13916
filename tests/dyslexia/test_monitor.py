"""The monitor's dyslexia figure: files submitted per school, complete at first submission,
referred, not referred, 'to strengthen', and the median lead time to the decision."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kansrijk.dyslexia import services
from kansrijk.dyslexia.models import DyslexiaFile
from kansrijk.monitor.figures import compute_report
from kansrijk.monitor.periods import Period
from tests.dyslexia.conftest import Eed, complete_file
from tests.factories import ChildFactory, GuardianFactory
from tests.monitor.reading import grid, table

pytestmark = pytest.mark.django_db
Q1 = Period.quarter(2025, 1)


def _at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(day))


def test_dyslexia_per_school(eed: Eed) -> None:
    referred = complete_file(eed)  # complete at first submission, then referred
    services.file_submit(by=eed.world.coach, file_id=referred.pk)
    services.file_decide(
        by=eed.gatekeeper,
        file_id=referred.pk,
        refer=True,
        provider=eed.provider,
        municipality=eed.municipality,
    )
    eed.pupil = ChildFactory(location=eed.world.school, given_name="Mila")
    GuardianFactory(family=eed.pupil.family)
    short = complete_file(eed, measurements=2)  # incomplete at first submission, still open
    services.file_submit(by=eed.world.coach, file_id=short.pk)
    DyslexiaFile.objects.filter(pk=referred.pk).update(
        first_submitted_at=_at("2025-02-03T10:00"), decided_at=_at("2025-02-13T10:00")
    )
    DyslexiaFile.objects.filter(pk=short.pk).update(first_submitted_at=_at("2025-03-03T10:00"))
    values = grid(table(compute_report(Q1, threshold=0), "dyslexia"))
    school = str(eed.world.school.pk)
    assert values[(school, "dyslexia_submitted")] == 2
    assert values[(school, "dyslexia_complete")] == 1
    assert values[(school, "dyslexia_referred")] == 1
    assert values[(school, "dyslexia_not_referred")] == 0
    assert values[(school, "dyslexia_weak")] == 1
    assert values[(school, "dyslexia_weak_share")] == 50.0
    assert values[(school, "dyslexia_median")] == 10.0
    assert values[(str(eed.world.other_school.pk), "dyslexia_submitted")] == 0


def test_small_numbers_are_hidden(eed: Eed) -> None:
    file = complete_file(eed)
    services.file_submit(by=eed.world.coach, file_id=file.pk)
    DyslexiaFile.objects.filter(pk=file.pk).update(first_submitted_at=_at("2025-02-03T10:00"))
    values = grid(table(compute_report(Q1), "dyslexia"))
    assert not isinstance(values[(str(eed.world.school.pk), "dyslexia_submitted")], int)
