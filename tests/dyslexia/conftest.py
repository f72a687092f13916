"""The dyslexia world: the test world's schools, a gatekeeper at the SWV for one school and one
for the other, two dyslexia care providers, the municipality's officer, and a pupil."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import cast

import pytest

from kansrijk.access.roles import Role
from kansrijk.cases.models import Child
from kansrijk.core.models import Organisation, Professional
from kansrijk.dyslexia import services
from kansrijk.dyslexia.models import DyslexiaFile
from tests.conftest import World
from tests.factories import ChildFactory, GuardianFactory, OrganisationFactory, professional


@dataclass
class Eed:
    world: World
    gatekeeper: Professional
    other_gatekeeper: Professional
    provider: Organisation
    provider_worker: Professional
    other_provider_worker: Professional
    municipality: Organisation
    officer: Professional
    pupil: Child


@pytest.fixture
def eed(world: World) -> Eed:
    swv = OrganisationFactory(name="SWV Onderwijs dat past", kind=Organisation.Kind.SWV)
    provider = OrganisationFactory(
        name="Dyslexiezorg Rijnmond", kind=Organisation.Kind.DYSLEXIA_CARE
    )
    other = OrganisationFactory(name="Leespraktijk Delta", kind=Organisation.Kind.DYSLEXIA_CARE)
    municipality = Organisation.objects.get(name="Gemeente Vlaardingen")
    pupil = cast(Child, ChildFactory(location=world.school, given_name="Daan", bsn="999999990"))
    GuardianFactory(family=pupil.family, name="Ria Visser")
    return Eed(
        world=world,
        gatekeeper=professional(
            Role.DYSLEXIA_GATEKEEPER, world.school, organisation=swv, username="poortwachter"
        ),
        other_gatekeeper=professional(
            Role.DYSLEXIA_GATEKEEPER, world.other_school, organisation=swv, username="poort2"
        ),
        provider=provider,
        provider_worker=professional(
            Role.CARE_PROVIDER, None, organisation=provider, username="dyslexiezorg"
        ),
        other_provider_worker=professional(
            Role.CARE_PROVIDER, None, organisation=other, username="leespraktijk"
        ),
        municipality=municipality,
        officer=professional(
            Role.MUNICIPALITY_OFFICER, None, organisation=municipality, username="gemeente"
        ),
        pupil=pupil,
    )


def complete_file(eed: Eed, *, measurements: int = 3, percentile: int = 8) -> DyslexiaFile:
    """A file that meets every criterion the system checks (fewer measurements when asked)."""
    coach = eed.world.coach
    file = services.file_open(by=coach, child=eed.pupil)
    start = datetime.date(2025, 1, 13)
    for number in range(measurements):
        services.measurement_add(
            by=coach,
            file_id=file.pk,
            measured_on=start + datetime.timedelta(weeks=20 * number),
            test="dmt",
            skill="reading",
            percentile=percentile,
        )
    for number in range(2):
        begin = start + datetime.timedelta(weeks=14 * number)
        services.support_add(
            by=coach,
            file_id=file.pk,
            started_on=begin,
            ended_on=begin + datetime.timedelta(weeks=12),
            approach="Drie keer per week twintig minuten extra instructie (niveau 3)",
            minutes_per_week=60,
            result="Weinig vooruitgang",
        )
    services.exclusion_record(
        by=coach,
        file_id=file.pk,
        hearing_checked=True,
        vision_checked=True,
        iq_indication="average_or_above",
        absence="normal",
        other_causes="",
    )
    services.consent_record(by=coach, file_id=file.pk, given=True, method="paper")
    return DyslexiaFile.objects.get(pk=file.pk)
