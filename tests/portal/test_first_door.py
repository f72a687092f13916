"""The first door (CJG) per district: public, with the consultation hours from the roster,
and a question that reaches the CJG only with the parent's consent to be contacted."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kansrijk.access.roles import Role
from kansrijk.core.models import Organisation
from kansrijk.notifications.models import Notification
from kansrijk.portal.models import FirstDoor, Question
from kansrijk.roster.models import Function, RosterRule, Shift
from tests.auth import sign_in
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def door(world: World) -> FirstDoor:
    cjg = Organisation.objects.get(kind=Organisation.Kind.CJG)
    return FirstDoor.objects.create(
        district="Westwijk", slug="westwijk", name="CJG Westwijk", address="Plein 1",
        opening_hours="ma-vr 9-17", phone="010 123 45 67", email="cjg@example.org",
        organisation=cjg,
    )  # fmt: skip


def test_the_page_is_public_with_hours_phone_and_consultation_hours(
    client: Client, world: World, door: FirstDoor
) -> None:
    rule = RosterRule.objects.create(
        code="cjg", label="CJG", function=Function.SCHOOL_NURSE, amount=1
    )
    rule.locations.add(world.school)
    today = timezone.localdate()
    day = today + datetime.timedelta(days=(0 if today.weekday() < 5 else 7 - today.weekday()))
    Shift.objects.create(
        person=world.nurse, location=world.school, rule=rule, role=Role.SCHOOL_NURSE,
        date=day, part="morning",
    )  # fmt: skip
    page = client.get(reverse("portal:first_door", kwargs={"district": "westwijk"}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "010 123 45 67" in html and "ma-vr 9-17" in html
    if day.isocalendar()[:2] == today.isocalendar()[:2]:
        assert "Kindcentrum De Schakel" in html and "08:30" in html
    assert client.get("/cjg/nergens/").status_code == 404


def test_a_question_reaches_the_cjg_with_consent_to_contact(
    client: Client, world: World, door: FirstDoor
) -> None:
    url = reverse("portal:first_door_question", kwargs={"district": "westwijk"})
    answer = client.post(
        url,
        {"name": "Petra", "phone": "0612345678", "text": "Mijn zoon slaapt slecht",
         "may_contact": "on"},
    )  # fmt: skip
    assert answer.status_code == 302
    question = Question.objects.get()
    assert question.may_contact and question.door == door
    notice = Notification.objects.get(recipient=world.nurse)
    assert "slaapt" not in notice.subject + notice.body
    staff = sign_in(Client(), world.nurse)
    assert "Mijn zoon slaapt slecht" in staff.get(reverse("portal:questions")).content.decode()
    other = sign_in(Client(), world.coach)
    assert "Mijn zoon slaapt slecht" not in other.get(reverse("portal:questions")).content.decode()


def test_without_consent_to_contact_nothing_is_kept_and_nothing_is_lost(
    client: Client, door: FirstDoor
) -> None:
    url = reverse("portal:first_door_question", kwargs={"district": "westwijk"})
    answer = client.post(url, {"name": "Petra", "phone": "0612", "text": "Mijn vraag"})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "We kunnen alleen antwoorden als we contact met je mogen opnemen" in html
    assert "Mijn vraag" in html
    assert not Question.objects.exists()


def test_the_questions_list_costs_the_same_for_many_questions(
    world: World, door: FirstDoor
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    staff = sign_in(Client(), world.nurse)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff.get(reverse("portal:questions")).status_code == 200
        return len(captured)

    Question.objects.create(door=door, name="A", phone="1", text="x", may_contact=True)
    few = queries()
    Question.objects.bulk_create(
        [
            Question(door=door, name=f"P{n}", phone="1", text="x", may_contact=True)
            for n in range(60)
        ]
    )
    assert queries() == few
