"""Per item the agenda checks the family's consent for every organisation at the table;
without it the item shows no identifying data, or is left out, and the chair sees why."""

from __future__ import annotations

import pytest
from django.utils import translation

from kansrijk.cases.workflow import CaseState
from kansrijk.consent.models import Consent
from kansrijk.meetings.models import WithoutConsent
from tests.auth import sign_in
from tests.cases.route import advance, open_case
from tests.factories import FamilyFactory
from tests.meetings.conftest import a_child

pytestmark = pytest.mark.django_db


def _page(client, user, meeting) -> str:
    sign_in(client, user)
    with translation.override("en"):
        response = client.get(f"/meetings/{meeting.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def test_without_consent_the_item_shows_age_and_school_only(client, world, care_meeting):
    child = a_child(
        world,
        given_name="Zebedeus",
        family=FamilyFactory(name="Quaknoord"),
        bsn="111222333",
    )
    open_case(world, child)  # just signalled: no consent to discuss outside the school
    meeting = care_meeting()
    page = _page(client, world.director, meeting)
    assert 'data-consent="missing"' in page
    assert "Zebedeus" not in page and "Quaknoord" not in page and "111222333" not in page
    assert f"leeftijd {child.age_on(meeting.starts_at.date())}" in page
    assert world.school.name in page
    assert 'data-testid="consent-notes"' not in page  # the reason is for the chair only

    chair_page = _page(client, world.coordinator, meeting)
    assert "Quaknoord" not in chair_page
    assert "Geen toestemming voor" in chair_page


def test_with_consent_for_everyone_present_the_item_names_the_family(client, world, care_meeting):
    child = a_child(world, given_name="Zebedeus", family=FamilyFactory(name="Quaknoord"))
    from tests.factories import GuardianFactory

    GuardianFactory(family=child.family)
    advance(world, open_case(world, child), CaseState.ON_ATTENTION_LIST)
    page = _page(client, world.director, care_meeting())
    assert 'data-consent="ok"' in page
    assert "Quaknoord" in page and "Zebedeus" in page


def test_a_withdrawal_takes_effect_on_the_agenda_at_once(client, world, care_meeting):
    from tests.factories import GuardianFactory

    child = a_child(world, given_name="Zebedeus", family=FamilyFactory(name="Quaknoord"))
    GuardianFactory(family=child.family)
    advance(world, open_case(world, child), CaseState.ON_ATTENTION_LIST)
    meeting = care_meeting()
    Consent.objects.filter(child=child).update(status=Consent.Status.WITHDRAWN)
    page = _page(client, world.director, meeting)
    assert "Quaknoord" not in page and 'data-consent="missing"' in page


def test_the_series_can_leave_such_cases_out_and_tells_the_chair(client, world, care_meeting):
    child = a_child(world, given_name="Zebedeus", family=FamilyFactory(name="Quaknoord"))
    open_case(world, child)
    meeting = care_meeting(without_consent=WithoutConsent.LEAVE_OUT)
    member_page = _page(client, world.director, meeting)
    assert 'data-testid="agenda-item"' not in member_page
    assert world.school.name not in member_page.split('id="agenda"')[1].split("</section>")[0]
    chair_page = _page(client, world.coordinator, meeting)
    left_out = chair_page.split('data-testid="left-out"')[1].split("</ul>")[0]
    assert "Geen toestemming voor" in left_out and "Quaknoord" not in left_out
