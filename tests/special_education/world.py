"""A special school with its staff, a youth-care provider working there, and a pupil."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from kansrijk.access.roles import Role
from kansrijk.cases.models import Child, Guardian
from kansrijk.core.models import Location, Organisation, Professional
from kansrijk.special_education.models import ProviderAtSchool, SpecialSchool
from tests.factories import (
    ChildFactory,
    GuardianFactory,
    LocationFactory,
    OrganisationFactory,
    professional,
    teaches,
)


@dataclass
class Special:
    school: Location
    other_school: Location
    provider: Organisation
    other_provider: Organisation
    coach: Professional
    director: Professional
    teacher: Professional
    other_teacher: Professional
    care_worker: Professional
    other_care_worker: Professional
    other_coach: Professional
    pupil: Child
    guardian: Guardian


def special_world() -> Special:
    board = OrganisationFactory(name="Stichting De Brug", kind=Organisation.Kind.SPECIAL_EDUCATION)
    school = LocationFactory(
        organisation=board, name="SBO De Brug", code="sbo-brug", kind=Location.Kind.SPECIAL_SCHOOL
    )
    other = LocationFactory(
        organisation=board,
        name="VSO Het Anker",
        code="vso-anker",
        kind=Location.Kind.SPECIAL_SCHOOL,
    )
    SpecialSchool.objects.create(location=school, school_type=SpecialSchool.Type.SBO)
    SpecialSchool.objects.create(location=other, school_type=SpecialSchool.Type.VSO)
    provider = OrganisationFactory(name="Jeugdhulp Delta", kind=Organisation.Kind.CARE_PROVIDER)
    other_provider = OrganisationFactory(name="Zorg Oost", kind=Organisation.Kind.CARE_PROVIDER)
    ProviderAtSchool.objects.create(provider=provider, school=school)
    ProviderAtSchool.objects.create(provider=other_provider, school=other)
    teacher = teaches(professional(Role.TEACHER, school), school, "B1")
    other_teacher = teaches(professional(Role.TEACHER, school), school, "B2")
    today = timezone.localdate()
    pupil = ChildFactory(
        location=school, group="B1", date_of_birth=today.replace(year=today.year - 9)
    )
    guardian = GuardianFactory(family=pupil.family)
    return Special(
        school=school,
        other_school=other,
        provider=provider,
        other_provider=other_provider,
        coach=professional(Role.INTERNAL_COACH, school),
        director=professional(Role.DIRECTOR, school),
        teacher=teacher,
        other_teacher=other_teacher,
        care_worker=professional(Role.CARE_PROVIDER, organisation=provider),
        other_care_worker=professional(Role.CARE_PROVIDER, organisation=other_provider),
        other_coach=professional(Role.INTERNAL_COACH, other),
        pupil=pupil,
        guardian=guardian,
    )
