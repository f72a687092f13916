"""The match register's services: the BSN is never stored, a match needs two organisations,
Kansrijk's cases register and end their involvement, the lead, retention, bad input."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kansrijk.audit.models import AccessLogEntry
from kansrijk.cases import services as cases
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.core.models import Organisation
from kansrijk.matches import services
from kansrijk.matches.keys import child_key
from kansrijk.matches.models import Involvement, Match
from kansrijk.matches.selectors import family_registrations, others_involved
from kansrijk.notifications.models import Notification
from kansrijk.privacy.services import retention_run
from tests.conftest import World
from tests.factories import ChildFactory

BSN = "111222333"
OTHER_BSN = "123456782"


def _district(world: World) -> Organisation:
    return Organisation.objects.get(name="Wijkteam Westwijk")


def test_the_register_keeps_a_keyed_hash_never_the_bsn(world: World) -> None:
    row = services.involvement_register(
        by=world.district_team, bsn=BSN, contact_name="Fatima", contact_phone="0101234567"
    )
    assert row.child_key == child_key(BSN) != BSN and len(row.child_key) == 64
    assert BSN not in str(list(Involvement.objects.values()))
    entry = AccessLogEntry.objects.filter(purpose="match register").last()
    assert entry is not None and BSN not in entry.detail


def test_bad_input_is_refused_in_dutch_terms(world: World) -> None:
    with pytest.raises(CaseError) as bad:
        services.involvement_register(by=world.district_team, bsn="123", contact_name="X")
    assert bad.value.field == "bsn"
    with pytest.raises(CaseError) as no_reach:
        services.involvement_register(by=world.district_team, bsn=BSN, contact_name="X")
    assert no_reach.value.field == "contact_phone"
    with pytest.raises(NotFound):  # a teacher registers nothing
        services.involvement_register(by=world.teacher, bsn=BSN, contact=world.teacher)


def test_two_organisations_make_one_match_and_both_are_told(world: World) -> None:
    services.involvement_register(by=world.district_team, bsn=BSN, contact=world.district_team)
    again = services.involvement_register(
        by=world.district_team, bsn=BSN, contact=world.district_team
    )
    assert Involvement.objects.count() == 1 and again.ended_on is None  # registering twice
    services.involvement_register(by=world.nurse, bsn=BSN, contact=world.nurse)
    services.involvement_register(by=world.psychologist, bsn=OTHER_BSN, contact=world.psychologist)
    assert Match.objects.count() == 1
    told = Notification.objects.all()
    assert {n.recipient for n in told} == {world.district_team, world.nurse}
    to_nurse = told.get(recipient=world.nurse)
    assert "Wijkteam Westwijk" in to_nurse.subject
    assert world.district_team.get_full_name() in to_nurse.body


def test_a_signal_registers_the_case_and_closing_ends_it(world: World) -> None:
    services.involvement_register(
        by=world.district_team, bsn=BSN, contact_name="Fatima", contact_email="f@example.org"
    )
    pupil = ChildFactory(location=world.school, bsn=BSN)
    signal = cases.signal_create(
        by=world.teacher, child=pupil, domain="learning", urgency="normal", description="Leest."
    )
    own = Involvement.objects.get(case_id=signal.case_id)
    assert own.organisation == world.school.organisation
    assert Match.objects.count() == 1
    known = others_involved([pupil], case_id=signal.case_id, district_team_only=True)
    assert [k.organisation for k in known] == ["Wijkteam Westwijk"]
    services.case_closed_ended(case=signal.case, by=world.coach)
    own.refresh_from_db()
    assert own.ended_on == timezone.localdate()
    rows = family_registrations([pupil])
    assert {(r.organisation, r.ended_on is None) for r in rows} == {
        ("Wijkteam Westwijk", True),
        (world.school.organisation.name, False),
    }


def test_a_second_signal_registers_the_case_with_what_the_case_read_brought(world: World) -> None:
    """The case a signal joins comes with its organisation and contact person (issue 17: the
    match register read them one query each), and the register still gets them right."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pupil = ChildFactory(location=world.school, bsn=BSN)
    first = cases.signal_create(
        by=world.teacher, child=pupil, domain="learning", urgency="normal", description="Leest."
    )
    Involvement.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        cases.signal_create(
            by=world.teacher, child=pupil, domain="behaviour", urgency="normal", description="Stil."
        )
    own = Involvement.objects.get(case_id=first.case_id)
    assert own.organisation == world.school.organisation
    assert own.contact == first.case.contact_person
    lazy = ('FROM "core_location"', 'FROM "core_organisation"', 'FROM "core_professional"')
    assert not [q["sql"] for q in queries if q["sql"].split(" WHERE ")[0].endswith(lazy)]


def test_a_child_without_bsn_is_not_registered(world: World) -> None:
    pupil = ChildFactory(location=world.school, bsn=None)
    cases.signal_create(
        by=world.teacher, child=pupil, domain="learning", urgency="normal", description="Leest."
    )
    assert not Involvement.objects.exists()


def test_each_side_records_who_leads(world: World) -> None:
    services.involvement_register(by=world.district_team, bsn=BSN, contact=world.district_team)
    services.involvement_register(by=world.nurse, bsn=BSN, contact=world.nurse)
    match = Match.objects.get()
    services.match_record_lead(by=world.district_team, match_id=match.pk, lead_is_us=True)
    assert Match.objects.get().agreed_lead is None
    services.match_record_lead(by=world.nurse, match_id=match.pk, lead_is_us=False)
    agreed = Match.objects.get().agreed_lead
    assert agreed is not None and agreed.organisation == _district(world)
    with pytest.raises(NotFound):  # not a side of this match
        services.match_record_lead(by=world.psychologist, match_id=match.pk, lead_is_us=True)


def test_only_the_own_organisation_ends_its_registration(world: World) -> None:
    row = services.involvement_register(
        by=world.district_team, bsn=BSN, contact=world.district_team
    )
    with pytest.raises(NotFound):
        services.involvement_end(by=world.nurse, involvement_id=row.pk)
    ended = services.involvement_end(by=world.district_team, involvement_id=row.pk)
    assert ended.ended_on == timezone.localdate()


def test_retention_removes_registrations_five_years_after_they_ended(world: World) -> None:
    old = services.involvement_register(
        by=world.district_team, bsn=BSN, contact=world.district_team,
        started_on=datetime.date(2019, 1, 1),
    )  # fmt: skip
    recent = services.involvement_register(
        by=world.nurse, bsn=OTHER_BSN, contact=world.nurse, started_on=datetime.date(2019, 1, 1)
    )
    Involvement.objects.filter(pk=old.pk).update(ended_on=datetime.date(2021, 1, 10))
    Involvement.objects.filter(pk=recent.pk).update(ended_on=datetime.date(2021, 3, 1))
    retention_run(dry_run=False, today=datetime.date(2026, 2, 1))
    assert list(Involvement.objects.values_list("pk", flat=True)) == [recent.pk]
