"""Issue 12: the monitor counts warm handovers per sending location, suppressed below 5."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kansrijk.early_years.models import Handover, VveIndication
from kansrijk.monitor.figures import _handover_table, region_centres
from kansrijk.monitor.periods import Period
from kansrijk.monitor.suppression import SUPPRESSION_THRESHOLD
from tests.conftest import World
from tests.early_years.world import childcare, toddler_signal
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def _cells(table) -> dict[str, dict[str, list]]:  # type: ignore[no-untyped-def]
    data = table.to_dict()
    keys = [c["key"] for c in data["columns"]]
    return {
        row["key"]: dict(zip(keys, cells, strict=True))
        for row, cells in zip(data["rows"], data["cells"], strict=True)
    }


def test_handovers_counted_and_small_numbers_hidden(world: World) -> None:
    cc = childcare(world)
    now = timezone.now()
    case = toddler_signal(cc).case
    for index in range(6):
        child = ChildFactory(location=cc.location, group="peuters")
        handover = Handover.objects.create(
            child=child,
            kind=Handover.Kind.CHILDCARE_TO_SCHOOL,
            from_location=cc.location,
            to_location=world.school,
            prepared_by=cc.worker,
            consent=Handover.Consent.GIVEN if index < 5 else Handover.Consent.REFUSED,
            met_at=now if index < 2 else None,
        )
        if index < 5:
            VveIndication.objects.create(
                child=child, case=case, programme="Piramide", indicated_by=world.nurse
            )
        assert handover.pk
    period = Period.default(timezone.localdate())
    cells = _cells(_handover_table(period, region_centres(), SUPPRESSION_THRESHOLD))
    row = cells[str(cc.location.pk)]
    assert row["offered"] == [6, ""]
    assert row["with_consent"] == [5, ""]
    assert row["vve_regular"] == [5, ""]
    assert row["warm"][0] is None  # 2 children: suppressed
    raw = _cells(_handover_table(period, region_centres(), 1))[str(cc.location.pk)]
    assert raw["warm"] == [2, ""]
