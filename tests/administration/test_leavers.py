"""A leaver: refused while still a family's contact person or owner of open actions; the
one hand-over screen passes each on, then the account is closed everywhere at once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from kansrijk.accounts import services
from kansrijk.audit.models import AccessLogEntry
from kansrijk.cases import services as case_services
from kansrijk.cases.errors import NotFound
from kansrijk.cases.models import Case, ContactPersonAssignment, PlanAction
from kansrijk.core.models import Location
from kansrijk.safety.models import ChildcareContact
from tests.auth import sign_in, totp_device
from tests.cases.route import give_plan, open_case
from tests.factories import ChildFactory, LocationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world) -> Case:  # type: ignore[no-untyped-def]
    child = ChildFactory(location=world.school, given_name="Noor", family_name="Brink")
    opened = open_case(world, child)
    give_plan(world, opened)  # an action owned by the teacher
    return Case.objects.get(pk=opened.pk)


def test_deactivation_is_refused_while_the_leaver_still_has_open_work(world, administrator, case):
    assert case.contact_person == world.coach
    with pytest.raises(services.StillResponsible):
        services.professional_deactivate(by=administrator, professional=world.coach)
    world.coach.refresh_from_db()
    assert world.coach.is_active


def test_the_hand_over_screen_passes_each_case_and_action_on_and_closes_the_account(
    client, world, administrator, case
):
    coach, teacher = world.coach, world.teacher
    # The coach also owns an action: both kinds of work on one screen.
    action = PlanAction.objects.get(plan__case=case)
    PlanAction.objects.filter(pk=action.pk).update(owner=coach)
    coach_client = sign_in(Client(), coach)
    assert coach_client.get("/").status_code == 200
    sign_in(client, administrator)
    url = reverse("admin:core_professional_deactivate", args=[coach.pk])
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert f"Casus {case.pk} · {world.school.name}" in text
    assert f"Actie {action.pk} in casus {case.pk}" in text
    assert "Noor" not in text and "Wekelijks gesprek" not in text  # no case content

    # Nothing chosen: refused with a message, nothing changed.
    refused = client.post(url, {f"case-{case.pk}": str(world.other_coach.pk)})
    assert refused.status_code == 400
    assert "Kies voor elke casus en actie een opvolger." in refused.content.decode()
    assert "selected>" in refused.content.decode()  # what was chosen is kept
    coach.refresh_from_db()
    assert coach.is_active

    done = client.post(
        url, {f"case-{case.pk}": str(world.other_coach.pk), f"action-{action.pk}": str(teacher.pk)}
    )
    assert done.status_code == 302
    case.refresh_from_db()
    action.refresh_from_db()
    coach.refresh_from_db()
    assert case.contact_person == world.other_coach
    assert action.owner == teacher
    history = list(ContactPersonAssignment.objects.filter(case=case).order_by("started_at", "id"))
    assert [h.professional for h in history] == [coach, world.other_coach]
    assert history[0].ended_at is not None and history[1].ended_at is None
    assert not coach.is_active and not coach.has_usable_password()
    assert not TOTPDevice.objects.filter(user=coach).exists()
    response = coach_client.get("/")  # signed out at once
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    details = list(
        AccessLogEntry.objects.filter(user=administrator).values_list("detail", flat=True)
    )
    assert any(d.startswith("contact person handed over") for d in details)
    assert any(d.startswith(f"plan action {action.pk} handed over") for d in details)
    assert any(d.startswith(f"professional {coach.pk} ") and "deactivated" in d for d in details)


def test_a_leaver_without_open_work_is_deactivated_in_one_step(client, world, administrator):
    totp_device(world.nurse)
    sign_in(client, administrator)
    url = reverse("admin:core_professional_deactivate", args=[world.nurse.pk])
    assert "Open werk" not in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    world.nurse.refresh_from_db()
    assert not world.nurse.is_active
    assert not TOTPDevice.objects.filter(user=world.nurse).exists()


def test_the_contact_person_hand_over_is_for_the_administrator_or_a_case_editor(
    world, administrator, case
):
    with pytest.raises(NotFound):
        case_services.contact_person_hand_over(
            by=world.nurse, case_id=case.pk, to=world.other_coach
        )
    steps = case.steps.count()
    case_services.contact_person_hand_over(by=administrator, case_id=case.pk, to=world.director)
    case.refresh_from_db()
    assert case.contact_person == world.director
    assert case.steps.count() == steps  # not a step on the route: the state did not change
    assert case.state == Case.objects.get(pk=case.pk).state


def test_the_screen_names_the_childcare_locations_the_leaver_is_the_contact_for(
    client, world, administrator
):
    childcare = LocationFactory(name="Kinderopvang De Schakel", kind=Location.Kind.CHILDCARE)
    ChildcareContact.objects.create(location=childcare, professional=world.district_team)
    sign_in(client, administrator)
    url = reverse("admin:core_professional_deactivate", args=[world.district_team.pk])
    text = client.get(url).content.decode()
    assert "vaste contactpersoon uit het wijkteam" in text
    assert "Kinderopvang De Schakel" in text


def test_everything_can_go_to_one_successor_at_once(client, world, administrator, case):
    action = PlanAction.objects.get(plan__case=case)
    PlanAction.objects.filter(pk=action.pk).update(owner=world.coach)
    sign_in(client, administrator)
    url = reverse("admin:core_professional_deactivate", args=[world.coach.pk])
    assert client.post(url, {"all": str(world.other_coach.pk)}).status_code == 302
    case.refresh_from_db()
    action.refresh_from_db()
    assert case.contact_person == action.owner == world.other_coach
