"""The privacy app installed and its pages mounted, whether or not the settings have it yet;
a privacy officer and a case with a note and a contact, for the inzage tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.apps import apps
from django.test import override_settings

from kansrijk.access.roles import Role
from kansrijk.cases import services
from kansrijk.cases.models import Case
from kansrijk.cases.workflow import CaseState
from kansrijk.core.models import Organisation, Professional
from tests.cases.route import advance, open_case
from tests.conftest import World
from tests.factories import professional


@pytest.fixture(autouse=True)
def privacy_mounted(settings) -> Iterator[None]:
    settings.ROOT_URLCONF = "tests.privacy.urls"
    if apps.is_installed("kansrijk.privacy"):
        yield
        return
    with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, "kansrijk.privacy"]):
        yield


@pytest.fixture
def officer(world: World) -> Professional:
    return professional(
        Role.PRIVACY_OFFICER,
        None,
        organisation=Organisation.objects.create(name="FG", kind="partner"),
        username="fg",
    )


@pytest.fixture
def case(world: World, pupil) -> Case:
    """Sem's family through the whole route into an escalation, with a note and a contact."""
    case = advance(world, open_case(world, pupil), CaseState.ESCALATED)
    services.note_add(by=world.family_specialist, case_id=case.pk, text="Moeder belt terug.")
    services.family_contact_log(
        by=world.family_specialist,
        case_id=case.pk,
        channel="home_visit",
        summary="Huisbezoek, goed gesprek.",
    )
    return Case.objects.get(pk=case.pk)
