"""Issue 12: a childcare signal reaches the GS, the CJG nurse and the district-team contact;
one family case that the school's IB and the GS both see."""

from __future__ import annotations

import pytest

from kansrijk.access.matrix import Action
from kansrijk.access.policies import can
from kansrijk.cases import services
from kansrijk.cases.errors import CaseError
from kansrijk.cases.models import Case, Signal
from kansrijk.cases.selectors import case_file, cases_visible_to
from kansrijk.consent.models import Consent, Purpose
from kansrijk.early_years.models import ChildcareRule
from kansrijk.notifications.models import Notification
from tests.conftest import World
from tests.early_years.world import childcare, toddler_signal
from tests.factories import teaches

pytestmark = pytest.mark.django_db


def test_without_the_parents_agreement_nothing_is_filed(world: World) -> None:
    cc = childcare(world)
    with pytest.raises(CaseError) as error:
        toddler_signal(cc, parents_agree=False)
    assert error.value.field == "parents_agree"
    assert not Case.objects.exists()


def test_a_childcare_signal_reaches_the_gs_nurse_and_district_contact(world: World) -> None:
    cc = childcare(world)
    signal = toddler_signal(cc)
    case = signal.case
    assert case.location == world.school
    assert case.contact_person == world.family_specialist
    assert case.contact_person != cc.worker
    team = set(case.members.values_list("professional__username", flat=True))
    assert team == {"gs", "verpleegkundige", "wijkteam"}
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"gs", "verpleegkundige", "wijkteam"}
    consent = Consent.objects.get()
    assert (consent.child, consent.purpose) == (cc.toddler, Purpose.SHARE_WITH_DISTRICT_TEAM)
    for person in (world.family_specialist, world.nurse, world.district_team):
        assert can(person, Action.FULL, case), person
    for person in (world.coach, world.coordinator):
        assert can(person, Action.SUMMARY, case), person
    assert can(cc.worker, Action.SUMMARY, case)
    assert not can(cc.worker, Action.FULL, case)
    assert case in cases_visible_to(world.family_specialist, action=Action.FULL)


@pytest.mark.parametrize(
    ("rule", "contact"),
    [
        (ChildcareRule.Contact.NURSE, "nurse"),
        (ChildcareRule.Contact.DISTRICT_CONTACT, "district_team"),
    ],
)
def test_the_administrators_rule_picks_the_contact_person(
    world: World, rule: str, contact: str
) -> None:
    cc = childcare(world, contact=rule)
    case = toddler_signal(cc).case
    assert case.contact_person == getattr(world, contact)


def test_the_older_siblings_signal_joins_one_family_case_the_ib_sees(world: World) -> None:
    cc = childcare(world)
    case = toddler_signal(cc).case
    teaches(world.teacher, world.school, cc.sibling.group)
    joined = services.signal_create(
        by=world.teacher,
        child=cc.sibling,
        domain=Signal.Domain.LEARNING,
        urgency=Signal.Urgency.NORMAL,
        description="Sem is onrustig in de klas.",
    )
    assert joined.case_id == case.pk
    assert Case.objects.count() == 1
    seen = case_file(world.coach, Case.objects.get(pk=case.pk))
    assert {c.given_name for c in seen.children} == {"Lotte", "Sem"}
    assert can(world.family_specialist, Action.FULL, case)
    # The teacher sees her own pupil, never the toddler.
    assert {c.given_name for c in case_file(world.teacher, case).children} == {"Sem"}


def test_a_case_at_the_childcare_stays_in_the_schools_view(world: World) -> None:
    """Without a rule the case stays at the childcare location; the school's IB still sees it
    once a signal about the older sibling came from the school."""
    cc = childcare(world)
    cc.rule.delete()
    case = toddler_signal(cc).case
    assert case.location == cc.location
    assert case.contact_person == world.district_team
    assert not can(world.coach, Action.SUMMARY, case)
    teaches(world.teacher, world.school, cc.sibling.group)
    services.signal_create(
        by=world.teacher,
        child=cc.sibling,
        domain=Signal.Domain.LEARNING,
        urgency=Signal.Urgency.NORMAL,
        description="Sem is onrustig in de klas.",
    )
    assert can(world.coach, Action.FULL, case)
    assert not can(world.other_coach, Action.SUMMARY, case)


def test_the_childcare_worker_follows_her_signal_on_her_work_page(world: World, client) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    from tests.auth import sign_in

    cc = childcare(world)
    toddler_signal(cc)
    sign_in(client, cc.worker)
    page = client.get(reverse("cases:my_work")).content.decode()
    assert "Lotte" in page
    assert str(world.family_specialist) in page  # who picked it up
    form = client.get(reverse("cases:signal_new")).content.decode()
    assert "De ouders weten van dit signaal" in form
    response = client.post(
        reverse("cases:signal_new"),
        {
            "child": cc.toddler.pk,
            "domain": "development",
            "urgency": "normal",
            "description": "Lotte huilt veel bij het brengen.",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Bespreek je zorg eerst met de ouders" in text
    assert "Lotte huilt veel bij het brengen." in text


def test_a_safety_signal_reaches_the_receivers_on_the_meldcode(world: World) -> None:
    from kansrijk.consent.models import LegalGround

    cc = childcare(world, contact=ChildcareRule.Contact.NURSE)
    case = toddler_signal(cc, parents_agree=False, safety_concern=True).case
    assert case.priority == Case.Priority.SAFETY
    assert case.contact_person == world.nurse
    assert not Consent.objects.exists()
    assert LegalGround.objects.filter(case=case).exists()
    for person in (world.nurse, world.family_specialist, world.district_team):
        assert can(person, Action.FULL, case), person
