"""Back-up (issue 14): when a GS or the SWV specialist is away for more than a day, their
stand-in (from the roster rule, or chosen by the coordinator) works on their cases, sees them
on my-work, and the case page says who is away until when and who stands in."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kansrijk.access.matrix import Action
from kansrijk.access.policies import can
from kansrijk.access.roles import Role
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.models import Case, CaseMember
from kansrijk.cases.workflow import CaseState
from kansrijk.core.models import Professional
from kansrijk.notifications.models import Notification
from kansrijk.roster.models import Absence, Function, RosterRule
from kansrijk.standins import services
from kansrijk.standins.selectors import (
    _absences_on_case,
    absences_for_coordinator,
    covers,
    covers_on_case,
)
from tests.auth import sign_in
from tests.cases.route import advance, open_case
from tests.conftest import World
from tests.factories import professional

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world: World, pupil) -> Case:  # type: ignore[no-untyped-def]
    """Sem's family in support with the GS as contact person."""
    return Case.objects.get(pk=advance(world, open_case(world, pupil), CaseState.IN_SUPPORT).pk)


@pytest.fixture
def colleague(world: World) -> Professional:
    """A second GS of the same district team, stand-in on the GS rule of the roster."""
    district = world.family_specialist.memberships.get().organisation
    person = professional(
        Role.FAMILY_SPECIALIST, world.other_school, organisation=district, username="gs2"
    )
    rule = RosterRule.objects.create(
        code="gs-schakel", label="GS De Schakel", function=Function.FAMILY_SPECIALIST, amount=3
    )
    rule.locations.add(world.school)
    rule.stand_ins.add(person)
    return person


def away(person: Professional, days: int = 3, start: int = 0) -> Absence:
    today = timezone.localdate()
    return Absence.objects.create(
        professional=person,
        start=today + datetime.timedelta(days=start),
        end=today + datetime.timedelta(days=start + days - 1),
        kind=Absence.Kind.SICK,
    )


def test_without_an_absence_the_stand_in_sees_nothing(
    world: World, case: Case, colleague: Professional
) -> None:
    assert case.contact_person == world.family_specialist
    assert not can(colleague, Action.SUMMARY, case)


def test_the_roster_rules_stand_in_works_on_the_case_during_the_absence(
    client: Client, world: World, case: Case, colleague: Professional
) -> None:
    sign_in(client, colleague)
    before = client.get("/").content.decode()  # the filters compiled while covering nobody
    assert f"/cases/{case.pk}/" not in before and 'data-testid="covered-cases"' not in before
    away(world.family_specialist, days=3)  # reported sick mid-day: covered at once
    now = Professional.objects.get(pk=colleague.pk)  # as the next request reads them
    assert can(now, Action.FULL, case) and can(now, Action.EDIT, case)
    assert not can(now, Action.EXPORT, case)  # inzage stays with the contact person
    my_work = client.get("/").content.decode()
    assert f"/cases/{case.pk}/" in my_work and 'data-testid="covered-cases"' in my_work
    page = client.get(f"/cases/{case.pk}/").content.decode()
    until = (timezone.localdate() + datetime.timedelta(days=2)).strftime("%-d")
    assert "is afwezig tot en met" in page and "vervanger" in page and str(colleague) in page
    assert until in page


def test_one_day_away_needs_no_stand_in(world: World, case: Case, colleague: Professional) -> None:
    away(world.family_specialist, days=1)
    assert not can(colleague, Action.SUMMARY, case)
    assert absences_for_coordinator() == []


def test_after_the_absence_the_access_ends(
    world: World, case: Case, colleague: Professional
) -> None:
    away(world.family_specialist, days=3, start=-5)
    assert not can(colleague, Action.SUMMARY, case)


def test_the_coordinators_choice_replaces_the_roster(
    client: Client, world: World, case: Case, colleague: Professional
) -> None:
    absence = away(world.family_specialist, days=5)
    third = professional(
        Role.FAMILY_SPECIALIST,
        world.school,
        organisation=world.family_specialist.memberships.get().organisation,
        username="gs3",
    )
    sign_in(client, world.coordinator)
    page = client.get("/stand-ins/").content.decode()
    assert str(world.family_specialist) in page and "uit het rooster" in page
    response = client.post(f"/stand-ins/{absence.pk}/", {f"a{absence.pk}-stand_in": third.pk})
    assert response.status_code == 302
    assert can(third, Action.EDIT, case) and not can(colleague, Action.SUMMARY, case)
    told = Notification.objects.get(recipient=third)
    assert "Je vervangt" in told.subject
    # A teacher is no stand-in for a family specialist: a clear message, nothing saved.
    response = client.post(
        f"/stand-ins/{absence.pk}/", {f"a{absence.pk}-stand_in": world.teacher.pk}
    )
    assert (
        response.status_code == 400 and "Kies een collega uit de lijst" in response.content.decode()
    )
    assert can(third, Action.EDIT, case)


def test_only_the_coordinator_chooses(
    client: Client, world: World, colleague: Professional
) -> None:
    absence = away(world.family_specialist, days=5)
    with pytest.raises(NotFound):
        services.stand_in_set(by=world.coach, absence_id=absence.pk, stand_in=colleague)
    with pytest.raises(CaseError):
        services.stand_in_set(
            by=world.coordinator, absence_id=absence.pk, stand_in=world.family_specialist
        )
    sign_in(client, world.family_specialist)
    assert client.get("/stand-ins/").status_code == 404


def test_the_coordinators_page_is_bounded(client: Client, world: World) -> None:
    sign_in(client, world.coordinator)
    away(world.family_specialist, days=3)
    client.get("/stand-ins/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/stand-ins/").status_code == 200
    for n in range(5):
        person = professional(Role.FAMILY_SPECIALIST, world.school, username=f"gs-extra-{n}")
        away(person, days=4)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/stand-ins/").status_code == 200
    # Each row's choice lists its candidates: one query per row, bounded by PAGE_LIMIT.
    assert len(many) - len(few) <= 5


def test_the_case_page_lists_its_own_people_who_are_away(
    world: World, case: Case, colleague: Professional
) -> None:
    """`covers_on_case` (SQL compiled once on PostgreSQL) lists the case's contact person
    and support team when away for more than a day, as the ORM's own query does; not a
    colleague of another case, not a one-day absence, not a role nobody covers."""

    def listed(on: Case) -> list[tuple[int, list[int]]]:
        found = [(c.absence.pk, [p.pk for p in c.stand_ins]) for c in covers_on_case(on)]
        orm = covers(_absences_on_case(on.pk, on.contact_person_id, timezone.localdate()))
        assert found == [(c.absence.pk, [p.pk for p in c.stand_ins]) for c in orm]
        return found

    assert listed(case) == []
    away(colleague, days=5)
    away(world.teacher, days=5)
    away(world.swv, days=1)
    assert listed(case) == []
    gs = away(world.family_specialist, days=3)
    assert listed(case) == [(gs.pk, [colleague.pk])]
    CaseMember.objects.create(case=case, professional=colleague, role=Role.FAMILY_SPECIALIST)
    assert [pk for pk, _ in listed(case)] == [gs.pk, Absence.objects.get(professional=colleague).pk]
