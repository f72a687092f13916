"""factory_boy factories for the domain; traits give a professional a role at a location."""

from __future__ import annotations

import datetime
from typing import cast

import factory
from factory.django import DjangoModelFactory

from kansrijk.access.roles import Role
from kansrijk.cases.models import Child, Family, Guardian
from kansrijk.consent.models import Consent, Purpose
from kansrijk.core.models import Location, Membership, Organisation, Professional

PASSWORD = "correct-horse-battery-staple"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    kind = Organisation.Kind.SCHOOL_BOARD


class LocationFactory(DjangoModelFactory):
    class Meta:
        model = Location
        django_get_or_create = ("code",)

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Kindcentrum {n}")
    code = factory.Sequence(lambda n: f"kc{n}")
    kind = Location.Kind.CHILD_CENTRE


class ProfessionalFactory(DjangoModelFactory):
    class Meta:
        model = Professional
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"prof{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password(PASSWORD)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    professional = factory.SubFactory(ProfessionalFactory)
    role = Role.TEACHER
    location = factory.SubFactory(LocationFactory)
    organisation = factory.LazyAttribute(lambda o: o.location.organisation)


def professional(
    role: Role,
    location: Location | None = None,
    *,
    organisation: Organisation | None = None,
    **kwargs: object,
) -> Professional:
    """A professional with one membership: `role` at `location` (or at `organisation`)."""
    # factory_boy's typing: calling a factory class gives the factory, not the model it creates.
    person = cast(Professional, ProfessionalFactory(**kwargs))
    Membership.objects.create(
        professional=person,
        role=role,
        location=location,
        organisation=organisation
        or (location.organisation if location else cast(Organisation, OrganisationFactory())),
    )
    return person


def teaches(person: Professional, location: Location, *groups: str) -> Professional:
    """Give the person's membership at the location these groups (a teacher's classes)."""
    from kansrijk.core.models import Group

    membership = Membership.objects.get(professional=person, location=location)
    membership.groups.add(
        *(Group.objects.get_or_create(location=location, name=name)[0] for name in groups)
    )
    return person


class FamilyFactory(DjangoModelFactory):
    class Meta:
        model = Family

    name = factory.Faker("last_name", locale="nl_NL")


class ChildFactory(DjangoModelFactory):
    class Meta:
        model = Child

    family = factory.SubFactory(FamilyFactory)
    given_name = factory.Faker("first_name", locale="nl_NL")
    family_name = factory.LazyAttribute(lambda o: o.family.name)
    date_of_birth = factory.LazyFunction(lambda: datetime.date(2017, 5, 4))
    location = factory.SubFactory(LocationFactory)
    group = "5"


class GuardianFactory(DjangoModelFactory):
    class Meta:
        model = Guardian

    family = factory.SubFactory(FamilyFactory)
    name = factory.Faker("name", locale="nl_NL")
    relation = "moeder"
    phone = "0612345678"


class ConsentFactory(DjangoModelFactory):
    """Consent in force, on paper, to discuss the child in the support team as a whole."""

    class Meta:
        model = Consent

    child = factory.SubFactory(ChildFactory)
    purpose = Purpose.DISCUSS_IN_VOT
    status = Consent.Status.GIVEN
    method = Consent.Method.PAPER
