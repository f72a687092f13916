"""Helpers of the safety-route tests: a safety signal on the `world` school's pupil."""

from __future__ import annotations

import pytest

from kansrijk.cases import services as case_services
from kansrijk.cases.models import Case, Signal

BSN = "111222333"


def file_safety_signal(world, child) -> Case:  # type: ignore[no-untyped-def]
    signal = case_services.signal_create(
        by=world.teacher,
        child=child,
        domain=Signal.Domain.HOME,
        urgency=Signal.Urgency.NORMAL,
        description="Blauwe plekken op beide armen.",
        safety_concern=True,
    )
    return Case.objects.get(pk=signal.case_id)


@pytest.fixture
def safety_case(world, pupil) -> Case:  # type: ignore[no-untyped-def]
    return file_safety_signal(world, pupil)
