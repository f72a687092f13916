"""`make demo` loads every app's demo: none may fail quietly (seed_demo only prints it)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kansrijk.demo.westwijk import seed_westwijk


@pytest.mark.django_db
def test_every_apps_demo_loads() -> None:
    load = seed_westwijk(today=timezone.localdate())
    assert load is not None
    assert load.failed_demos == []
    assert load.other_demos
