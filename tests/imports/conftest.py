"""A school with pupils, groups and guardians to import into."""

from __future__ import annotations

import datetime
import itertools

import pytest

from kansrijk.cases.models import Child
from kansrijk.core.models import Group, Location
from kansrijk.demo.pupils import test_bsns
from tests.conftest import World
from tests.factories import ChildFactory, FamilyFactory, GuardianFactory

TODAY = datetime.date(2026, 11, 30)


def fill(location: Location, count: int = 14, first_bsn: int = 100) -> list[Child]:
    """`count` pupils in groups 1-8, each in its own family with one or two guardians."""
    for name in map(str, range(1, 9)):
        Group.objects.get_or_create(location=location, name=name)
    bsns = itertools.islice(test_bsns(), first_bsn, None)
    children = []
    for n in range(count):
        family = FamilyFactory(address=f"Schiedamseweg {n + 1}, Vlaardingen")
        GuardianFactory(
            family=family, name=f"Ouder {n} {family.name}", phone=f"06-100000{n:02d}",
            email=f"ouder{n}@example.org",
        )  # fmt: skip
        child = ChildFactory(
            family=family, location=location, group=str(n % 8 + 1), bsn=next(bsns),
            date_of_birth=datetime.date(2015 + n % 6, 1 + n % 12, 1 + n % 28),
        )  # fmt: skip
        children.append(child)
    return children


@pytest.fixture
def school(world: World) -> Location:
    fill(world.school)
    return world.school
