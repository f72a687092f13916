"""Consents in the portal: the IB's question answered online, the age rules, and a withdrawal
that takes effect on the professionals' next request."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kansrijk.cases.models import Case
from kansrijk.cases.services import case_transition
from kansrijk.cases.workflow import CaseState
from kansrijk.consent.models import Consent, ConsentRequest, Purpose
from kansrijk.notifications.models import Notification
from tests.auth import sign_in
from tests.conftest import World
from tests.portal.conftest import PortalFamily, enter

pytestmark = pytest.mark.django_db


def answer(client: Client, child_id: int, status: str, purpose: str = Purpose.DISCUSS_IN_VOT):
    return client.post(
        reverse("portal:consent_answer"),
        {"child": child_id, "purpose": purpose, "recipient": "", "answer": status},
        follow=True,
    )


def ask(family: PortalFamily, world: World) -> None:
    Consent.objects.all().delete()
    Case.objects.filter(pk=family.case.pk).update(state=CaseState.SCHOOL_PLAN)
    case_transition(by=world.coach, case_id=family.case.pk, name="ask_consent")


def test_the_ib_asks_and_the_question_waits_in_the_portal(
    client: Client, family: PortalFamily, world: World
) -> None:
    ask(family, world)
    assert ConsentRequest.objects.filter(case=family.case, answered_at__isnull=True).count() == 2
    home = enter(client, family.parent).get(reverse("portal:home")).content.decode()
    assert "Een vraag aan jou" in home
    page = client.get(reverse("portal:consents")).content.decode()
    assert "De school mag in het ondersteuningsteam over je kind praten" in page


def test_a_parent_answers_for_a_child_under_12(
    client: Client, family: PortalFamily, world: World
) -> None:
    ask(family, world)
    page = answer(enter(client, family.parent), family.child.pk, "given")
    assert "Dank je voor je antwoord." in page.content.decode()
    consent = Consent.objects.get(child=family.child, superseded_at__isnull=True)
    assert consent.status == "given" and consent.method == "portal"
    assert consent.given_by == family.parent and consent.recorded_by is None
    request = ConsentRequest.objects.get(child=family.child)
    assert request.answered_at is not None and request.consent == consent
    assert Notification.objects.filter(recipient=world.coach).exists()


def test_from_12_to_15_both_the_parent_and_the_young_person_answer(
    client: Client, family: PortalFamily, world: World
) -> None:
    ask(family, world)
    page = answer(enter(client, family.parent), family.teen.pk, "given").content.decode()
    assert "We wachten ook op het antwoord van Lotte" in page
    assert not Consent.objects.filter(child=family.teen).exists()
    teen = enter(Client(), family.teen)
    answer(teen, family.teen.pk, "given")
    consent = Consent.objects.get(child=family.teen)
    assert consent.status == "given" and consent.by_child and consent.given_by == family.parent


def test_a_refusal_by_the_young_person_is_the_answer(
    client: Client, family: PortalFamily, world: World
) -> None:
    ask(family, world)
    answer(enter(client, family.parent), family.teen.pk, "given")
    answer(enter(Client(), family.teen), family.teen.pk, "refused")
    assert Consent.objects.get(child=family.teen).status == "refused"


def test_a_young_person_of_16_decides_alone(
    client: Client, family: PortalFamily, world: World
) -> None:
    today = timezone.localdate()
    family.teen.date_of_birth = today.replace(year=today.year - 16) - datetime.timedelta(days=3)
    family.teen.save()
    page = answer(enter(client, family.parent), family.teen.pk, "withdrawn").content.decode()
    assert "Lotte beslist hier zelf over." in page
    answer(enter(Client(), family.teen), family.teen.pk, "withdrawn")
    assert Consent.objects.get(child=family.teen, superseded_at__isnull=True).status == "withdrawn"
    assert "Lotte:" not in client.get(reverse("portal:consents")).content.decode()


def test_nobody_answers_for_another_family_or_without_authority(
    client: Client, family: PortalFamily
) -> None:
    assert answer(enter(client, family.stranger), family.child.pk, "withdrawn").status_code == 404
    assert (
        answer(enter(Client(), family.other_parent), family.child.pk, "withdrawn").status_code
        == 404
    )
    assert answer(enter(Client(), family.teen), family.child.pk, "withdrawn").status_code == 404
    assert Consent.objects.filter(status="withdrawn").count() == 0


def test_a_withdrawal_hides_the_case_from_the_partner_at_the_next_request(
    client: Client, family: PortalFamily, world: World
) -> None:
    swv = sign_in(Client(), world.swv)
    case_url = reverse("cases:case_detail", kwargs={"case_id": family.case.pk})
    assert swv.get(case_url).status_code == 200
    enter(client, family.parent)
    answer(client, family.child.pk, "withdrawn")
    answer(enter(Client(), family.teen), family.teen.pk, "withdrawn")
    assert swv.get(case_url).status_code == 404
    assert sign_in(Client(), world.coach).get(case_url).status_code == 200  # the school's own
    page = client.get(reverse("portal:consents")).content.decode()
    assert "Ingetrokken" in page and "Toch toestemming geven" in page


@pytest.mark.django_db(transaction=True)  # the mail goes out after the commit
def test_the_parents_get_a_mail_without_the_question_and_none_during_the_demo_load(
    family: PortalFamily, world: World, smtp_server: Any
) -> None:
    from kansrijk.notifications.family import family_mail_paused

    ask(family, world)
    mails = [m for m in smtp_server.messages if m["To"] == "anna@example.org"]
    assert len(mails) == 1
    body = mails[0].get_payload(decode=True).decode()
    assert "/portaal/" in body and "ondersteuningsteam" not in body and "Sem" not in body
    smtp_server.messages.clear()
    with family_mail_paused():
        ConsentRequest.objects.all().delete()
        Case.objects.filter(pk=family.case.pk).update(state=CaseState.SCHOOL_PLAN)
        case_transition(by=world.coach, case_id=family.case.pk, name="ask_consent")
    assert smtp_server.messages == []


def test_the_consent_page_costs_the_same_with_many_answers(
    client: Client, family: PortalFamily, world: World
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    enter(client, family.parent)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("portal:consents")).status_code == 200
        return len(captured)

    few = queries()
    for purpose in Purpose:
        Consent.objects.create(
            child=family.child, case=family.case, purpose=purpose, status="given",
            given_by=family.parent, method="paper", recorded_by=world.coach,
        )  # fmt: skip
    assert queries() == few
