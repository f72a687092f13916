"""Issue 12: the warm handover from childcare to school (and school to school)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.consent.models import Consent, Purpose
from kansrijk.early_years import services
from kansrijk.early_years.models import Handover
from kansrijk.notifications.models import Notification
from tests.auth import sign_in
from tests.conftest import World
from tests.early_years.world import Childcare, childcare

pytestmark = pytest.mark.django_db

SECRET = "Lotte bloeit op in kleine groepjes"


def prepare(cc: Childcare, world: World) -> Handover:
    return services.handover_prepare(
        by=cc.worker,
        child=cc.toddler,
        to_location=world.school,
        kind=Handover.Kind.CHILDCARE_TO_SCHOOL,
        goes_well=SECRET,
        attention_points="Taal",
        what_works="Vaste rituelen",
        vve_programme="Piramide",
        parents_view="Ouders zijn trots",
    )


def test_without_consent_the_receiving_school_sees_no_content(world: World, client) -> None:  # type: ignore[no-untyped-def]
    cc = childcare(world)
    handover = prepare(cc, world)
    sign_in(client, world.coach)
    listing = client.get(reverse("early_years:handovers")).content.decode()
    assert "Lotte" not in listing
    page = client.get(reverse("early_years:handover_detail", args=[handover.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert SECRET not in text and "Lotte" not in text
    services.handover_consent(by=cc.worker, handover_id=handover.pk, given=False)
    handover.refresh_from_db()
    assert handover.goes_well == "" and handover.consent == Handover.Consent.REFUSED
    text = client.get(reverse("early_years:handover_detail", args=[handover.pk])).content.decode()
    assert SECRET not in text and "Lotte" not in text
    consent = Consent.objects.get()
    assert (consent.purpose, consent.status) == (Purpose.WARM_HANDOVER, Consent.Status.REFUSED)


def test_with_consent_the_warm_conversation_and_follow_up(world: World, client) -> None:  # type: ignore[no-untyped-def]
    cc = childcare(world)
    handover = prepare(cc, world)
    services.handover_consent(by=cc.worker, handover_id=handover.pk, given=True)
    assert Notification.objects.filter(recipient=world.coach).exists()
    sign_in(client, world.coach)
    text = client.get(reverse("early_years:handover_detail", args=[handover.pk])).content.decode()
    assert SECRET in text and "Lotte" in text
    at = timezone.now() + datetime.timedelta(days=10)
    response = client.post(
        reverse("early_years:handover_plan", args=[handover.pk]),
        {"at": at.strftime("%Y-%m-%dT%H:%M"), "receiving_teacher": world.teacher.pk},
    )
    assert response.status_code == 302
    handover.refresh_from_db()
    assert handover.meeting_at is not None and handover.receiving_teacher == world.teacher
    assert Notification.objects.filter(recipient=cc.worker).exists()
    with pytest.raises(CaseError):
        services.handover_follow_up(by=world.teacher, handover_id=handover.pk, text="Goed")
    services.handover_meeting_result(by=cc.worker, handover_id=handover.pk, result="Fijn gesprek")
    services.handover_follow_up(by=world.teacher, handover_id=handover.pk, text="Lotte went goed")
    handover.refresh_from_db()
    assert handover.followed_up_at is not None


def test_strangers_get_404(world: World, client) -> None:  # type: ignore[no-untyped-def]
    cc = childcare(world)
    handover = prepare(cc, world)
    for person in (world.other_coach, world.teacher, world.family_specialist):
        sign_in(client, person)
        url = reverse("early_years:handover_detail", args=[handover.pk])
        assert client.get(url).status_code == 404, person
    with pytest.raises(NotFound):
        services.handover_plan_meeting(
            by=world.other_coach, handover_id=handover.pk, at=timezone.now()
        )


def test_a_mentor_prepares_only_for_her_own_group(world: World) -> None:
    cc = childcare(world)
    with pytest.raises(NotFound):
        services.handover_prepare(
            by=cc.worker,
            child=cc.sibling,
            to_location=world.other_school,
            kind=Handover.Kind.SCHOOL_TO_SCHOOL,
            goes_well="x",
        )


def test_bad_input_keeps_what_was_typed(world: World, client) -> None:  # type: ignore[no-untyped-def]
    cc = childcare(world)
    sign_in(client, cc.worker)
    response = client.post(
        reverse("early_years:handover_new"),
        {"child": cc.toddler.pk, "kind": "childcare_to_school", "what_works": "Rituelen"},
    )
    assert response.status_code == 400
    assert "Rituelen" in response.content.decode()


def test_the_list_reads_a_bounded_number_of_queries(world: World, client) -> None:  # type: ignore[no-untyped-def]
    cc = childcare(world)
    for _ in range(3):
        prepare(cc, world)
    sign_in(client, world.coach)
    url = reverse("early_years:handovers")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        prepare(cc, world)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_school_to_school_carries_the_plan_with_consent(world: World, pupil, client) -> None:  # type: ignore[no-untyped-def]
    from tests.cases.route import give_plan, open_case

    case = open_case(world, pupil)
    give_plan(world, case)
    handover = services.handover_prepare(
        by=world.coach,
        child=pupil,
        to_location=world.other_school,
        kind=Handover.Kind.SCHOOL_TO_SCHOOL,
        goes_well="Sem rekent graag.",
    )
    assert "Wekelijks gesprek met Sem" in handover.plan
    sign_in(client, world.other_coach)
    url = reverse("early_years:handover_detail", args=[handover.pk])
    assert "Wekelijks gesprek" not in client.get(url).content.decode()
    services.handover_consent(by=world.coach, handover_id=handover.pk, given=True)
    text = client.get(url).content.decode()
    assert "Wekelijks gesprek met Sem" in text and "Sem voelt zich veilig" in text


def test_the_mentor_sees_who_turns_four_soon(world: World, client) -> None:  # type: ignore[no-untyped-def]
    cc = childcare(world)
    sign_in(client, cc.worker)
    url = reverse("early_years:handovers")
    before = client.get(url).content.decode()
    assert 'data-testid="due"' in before and "Lotte" in before
    prepare(cc, world)
    assert 'data-testid="due"' not in client.get(url).content.decode()
