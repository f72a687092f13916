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


@pytest.mark.django_db
def test_the_safety_demo_has_a_question_to_the_district_team() -> None:
    """Seed 001: a family that does not respond, asked of the district team (wijkteam sees it
    under "Vragen van de regisseur")."""
    from kansrijk.safety.models import NonResponseFlag

    load = seed_westwijk(today=timezone.localdate())
    assert load is not None and load.failed_demos == []
    asked = NonResponseFlag.objects.get(follow_up="ask_district_team")
    assert asked.district_team is not None and asked.district_team_answer == ""
