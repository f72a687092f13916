from __future__ import annotations

import pytest

from kansrijk.access.roles import Role
from kansrijk.core.models import Organisation, Professional
from tests.conftest import World
from tests.factories import professional


@pytest.fixture
def administrator(world: World) -> Professional:
    return professional(
        Role.ADMINISTRATOR,
        None,
        organisation=Organisation.objects.get(name="Regie Westwijk"),
        username="beheer",
    )
