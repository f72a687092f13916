"""The monitor's figure for programme line 3: share of special-school pupils with an
integrated arrangement, indications replaced, back to regular school (issue 16)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kansrijk.monitor.figures import compute_report
from kansrijk.monitor.periods import Period
from kansrijk.special_education.models import Arrangement
from tests.factories import ChildFactory
from tests.monitor.reading import grid, table
from tests.special_education.world import Special, special_world

pytestmark = pytest.mark.django_db


def _arrangement(sp: Special, state: str, replaced: int = 0, **extra: object) -> Arrangement:
    child = ChildFactory(location=sp.school, group="B1")
    return Arrangement.objects.create(
        child=child,
        school=sp.school,
        state=state,
        provider=sp.provider,
        replaced_indications=replaced,
        created_by=sp.coach,
        **extra,
    )


def test_share_replaced_and_back_to_regular() -> None:
    sp = special_world()
    today = timezone.localdate()
    for _ in range(3):
        ChildFactory(location=sp.school, group="B2")  # pupils without an arrangement
    _arrangement(sp, Arrangement.State.DRAFT, 5)  # a draft does not count
    _arrangement(sp, Arrangement.State.ACTIVE, 2)
    _arrangement(sp, Arrangement.State.RENEWED, 3)
    _arrangement(sp, Arrangement.State.UP_FOR_RENEWAL, 1)
    _arrangement(
        sp,
        Arrangement.State.ENDED,
        1,
        end_reason=Arrangement.EndReason.BACK_TO_REGULAR,
        ended_on=today,
    )
    period = Period.months(today, today)
    g = grid(table(compute_report(period, threshold=0), "integrated_arrangements"))
    school = str(sp.school.pk)
    # 1 world pupil + 3 + 5 arrangement pupils = 9 enrolled; 4 arrangements in force.
    assert g[(school, "pupils")] == 9
    assert g[(school, "integrated")] == 4
    assert round(g[(school, "integrated_share")], 1) == round(100 * 4 / 9, 1)
    assert g[(school, "replaced")] == 7
    assert g[(school, "back_to_regular")] == 1
    # With the small-numbers rule, four pupils are not shown.
    hidden = grid(table(compute_report(period), "integrated_arrangements"))
    assert hidden[(school, "integrated")] != 4
