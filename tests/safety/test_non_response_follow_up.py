"""Seed 001, families who do not respond: after the threshold the coordinator chooses what
happens next; each choice is recorded and logged, and the district team answers its
question."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kansrijk.audit.models import AccessLogEntry
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.models import Case, CaseMember, Family
from kansrijk.core.models import DistrictArea, Organisation
from kansrijk.notifications.models import Notification
from kansrijk.safety import services
from kansrijk.safety.models import Meldcode, NonResponseFlag
from tests.auth import sign_in
from tests.cases.route import open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def flag(world, pupil, settings) -> NonResponseFlag:
    settings.KANSRIJK_NON_RESPONSE_THRESHOLD = 2
    Family.objects.filter(pk=pupil.family_id).update(
        address="Westlandseweg 12, 3131 AB Vlaardingen"
    )
    DistrictArea.objects.create(
        postcode_from=3130,
        postcode_to=3138,
        name="Vlaardingen",
        district_team=Organisation.objects.get(name="Wijkteam Westwijk"),
    )
    open_case(world, pupil)
    services.contact_attempt_record(by=world.teacher, child_id=pupil.pk, kind="unanswered")
    _attempt, found = services.contact_attempt_record(
        by=world.teacher, child_id=pupil.pk, kind="missed_appointment"
    )
    assert found is not None
    return found


def test_ask_the_family_district_team_which_answers(world, flag):
    services.non_response_follow_up(
        by=world.coordinator, flag_id=flag.pk, choice="ask_district_team", note="Kennen jullie ze?"
    )
    flag.refresh_from_db()
    assert flag.follow_up == "ask_district_team"
    assert flag.district_team.name == "Wijkteam Westwijk"
    assert flag.resolved_at is not None
    assert Notification.objects.filter(recipient=world.district_team).exists()
    assert AccessLogEntry.objects.filter(detail__contains="follow-up ask_district_team").exists()
    with pytest.raises(NotFound):
        services.non_response_district_answer(by=world.psychologist, flag_id=flag.pk, answer="x")
    services.non_response_district_answer(
        by=world.district_team, flag_id=flag.pk, answer="Ja, bekend bij ons sinds 2025."
    )
    flag.refresh_from_db()
    assert flag.district_team_answer == "Ja, bekend bij ons sinds 2025."
    assert Notification.objects.filter(
        recipient=world.coordinator, body="Ja, bekend bij ons sinds 2025."
    ).exists()
    with pytest.raises(CaseError):
        services.non_response_district_answer(by=world.district_team, flag_id=flag.pk, answer="y")


def test_involve_the_community_officer(world, pupil, flag):
    def involve() -> None:
        services.non_response_follow_up(
            by=world.coordinator,
            flag_id=flag.pk,
            choice="community_officer",
            officer_id=world.officer.pk,
        )

    with pytest.raises(CaseError, match="toestemming"):
        involve()  # sharing with the police needs consent or the safety route's ground
    assert NonResponseFlag.objects.get(pk=flag.pk).resolved_at is None
    Case.objects.filter(family=pupil.family_id).update(route=Case.Route.SAFETY)
    involve()
    assert CaseMember.objects.filter(professional=world.officer, role="community_officer").exists()
    assert Notification.objects.filter(recipient=world.officer).exists()


def test_plan_a_home_visit_is_an_action_with_date_and_owner(world, pupil, flag):
    with pytest.raises(CaseError, match="datum"):
        services.non_response_follow_up(
            by=world.coordinator,
            flag_id=flag.pk,
            choice="home_visit",
            owner_id=world.family_specialist.pk,
            visit_on=timezone.localdate() - datetime.timedelta(days=1),
        )
    visit = timezone.localdate() + datetime.timedelta(days=3)
    services.non_response_follow_up(
        by=world.coordinator,
        flag_id=flag.pk,
        choice="home_visit",
        owner_id=world.family_specialist.pk,
        visit_on=visit,
    )
    case = pupil.family.cases.get()
    action = case.plans.order_by("-number").first().actions.get()
    assert (action.owner, action.due_date) == (world.family_specialist, visit)
    assert "Huisbezoek" in action.description


def test_report_to_veilig_thuis_starts_the_meldcode(world, pupil, flag):
    services.non_response_follow_up(by=world.coordinator, flag_id=flag.pk, choice="veilig_thuis")
    assert Meldcode.objects.filter(case__family=pupil.family_id).exists()
    assert NonResponseFlag.objects.get(pk=flag.pk).follow_up == "veilig_thuis"


def test_the_pages_offer_the_choice_and_the_question(client, world, pupil, flag):
    sign_in(client, world.coordinator)
    page = client.get("/safety/non-responding/").content.decode()
    assert "Kies wat er nu gebeurt" in page  # the choice's form loads when opened
    page = client.get(f"/safety/non-responding/?open={flag.pk}").content.decode()
    assert "Wijkagent betrekken" in page
    response = client.post(
        f"/safety/non-responding/{flag.pk}/follow-up/",
        {f"follow{flag.pk}-choice": "ask_district_team"},
    )
    assert response.status_code == 302
    sign_in(client, world.district_team)
    questions = client.get("/safety/district-team-questions/").content.decode()
    assert pupil.family.name in questions
    client.post(
        f"/safety/district-team-questions/{flag.pk}/answer/",
        {f"answer{flag.pk}-answer": "Niet bekend."},
    )
    assert NonResponseFlag.objects.get(pk=flag.pk).district_team_answer == "Niet bekend."
    sign_in(client, world.teacher)
    case = pupil.family.cases.get()
    assert (
        f"/safety/contact-attempts/new/?child={pupil.pk}"
        in client.get(f"/cases/{case.pk}/").content.decode()
    )


def test_the_questions_page_is_bounded(client, world, flag, django_assert_max_num_queries):
    services.non_response_follow_up(
        by=world.coordinator, flag_id=flag.pk, choice="ask_district_team"
    )
    sign_in(client, world.district_team)
    with django_assert_max_num_queries(12):
        response = client.get("/safety/district-team-questions/")
    assert response.content.decode().count('data-testid="question"') == 1
