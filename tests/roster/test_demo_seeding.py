"""The roster demo seeded into the data already there, and the planning command: each on a
database of its own (not the demo the other modules share)."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command

from kansrijk.roster import services
from kansrijk.roster.demo import seed_roster_demo
from kansrijk.roster.models import Shift
from tests.conftest import World


def test_demo_uses_the_professionals_already_there(world: World) -> None:
    seed_roster_demo()
    weeks = services.HORIZON_WEEKS  # the demo plans six weeks ahead
    assert Shift.objects.filter(person=world.nurse).count() == 6 * weeks  # a day at each centre
    assert Shift.objects.filter(person=world.family_specialist, location__code="schakel").exists()


def test_roster_plan_prints_json_and_saves_on_request(db: None) -> None:
    seed_roster_demo(plan=False)
    out = StringIO()
    call_command("roster_plan", week="2026-W48", format="json", stdout=out, stderr=StringIO())
    rows = json.loads(out.getvalue())
    assert len(rows) == 90
    assert all(set(row) == {"person", "role", "location", "date", "part"} for row in rows)
    assert {row["part"] for row in rows} == {"morning", "afternoon"}
    assert {row["location"] for row in rows} == {"pwa", "schakel", "wereldwijzer"}
    assert all(row["date"].startswith("2026-11-") for row in rows)
    assert not Shift.objects.exists()
    call_command("roster_plan", week="2026-W48", save=True, stdout=StringIO(), stderr=StringIO())
    assert Shift.objects.count() == 90
