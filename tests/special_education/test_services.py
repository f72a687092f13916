"""Issue 16, programme line 3: integrated arrangements in special education."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from kansrijk.audit.models import AccessLogEntry
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.consent.models import Consent, Purpose
from kansrijk.notifications.models import Notification
from kansrijk.special_education import selectors, services
from kansrijk.special_education.models import Arrangement, PlanEntry
from tests.special_education.world import Special, special_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def sp() -> Special:
    return special_world()


def complete(sp: Special, **extra: object) -> Arrangement:
    today = timezone.localdate()
    fields = {
        "opp_goals": "Leest op AVI E4 aan het eind van het jaar",
        "opp_support": "Kleine instructiegroep",
        "provider": sp.provider,
        "care_kind": "Ambulante gezinsbegeleiding",
        "hours_per_week": Decimal("3"),
        "decision_number": "BES-2026-0012",
        "decision_start": today - datetime.timedelta(days=30),
        "decision_end": today + datetime.timedelta(days=365),
        "coordinator": sp.care_worker,
        "evaluation_date": today + datetime.timedelta(days=90),
        "replaced_indications": 2,
    }
    fields.update(extra)
    return services.arrangement_create(by=sp.coach, child=sp.pupil, **fields)


def activate(sp: Special, arrangement: Arrangement) -> Arrangement:
    services.arrangement_consent(
        by=sp.coach, arrangement_id=arrangement.pk, given=True, method="paper", guardian=sp.guardian
    )
    return services.arrangement_activate(by=sp.coach, arrangement_id=arrangement.pk)


def test_the_school_starts_an_arrangement_with_consent_for_the_joint_team(sp: Special) -> None:
    arrangement = complete(sp)
    assert arrangement.state == Arrangement.State.DRAFT
    with pytest.raises(CaseError, match="toestemming"):
        services.arrangement_activate(by=sp.coach, arrangement_id=arrangement.pk)
    activate(sp, arrangement)
    arrangement.refresh_from_db()
    assert arrangement.state == Arrangement.State.ACTIVE
    consent = Consent.objects.get(child=sp.pupil, purpose=Purpose.JOINT_TEAM)
    assert consent.recipient == sp.provider and consent.status == Consent.Status.GIVEN
    assert Notification.objects.filter(recipient=sp.care_worker).exists()
    logged = AccessLogEntry.objects.filter(detail__startswith=f"arrangement {arrangement.pk}")
    assert logged.count() == 3  # created, consent, started


def test_a_draft_without_its_parts_is_not_started(sp: Special) -> None:
    arrangement = services.arrangement_create(by=sp.coach, child=sp.pupil, opp_goals="Lezen")
    with pytest.raises(CaseError, match="jeugdhulpaanbieder"):
        services.arrangement_activate(by=sp.coach, arrangement_id=arrangement.pk)


def test_bad_parts_are_refused_with_the_field(sp: Special) -> None:
    today = timezone.localdate()
    with pytest.raises(CaseError) as error:
        complete(sp, decision_end=today - datetime.timedelta(days=60))
    assert error.value.field == "decision_end"
    with pytest.raises(CaseError) as error:
        complete(sp, provider=sp.other_provider)
    assert error.value.field == "provider"
    with pytest.raises(CaseError) as error:
        complete(sp, hours_per_week=Decimal("50"))
    assert error.value.field == "hours_per_week"
    with pytest.raises(CaseError) as error:
        complete(sp, coordinator=sp.other_care_worker)
    assert error.value.field == "coordinator"


def test_need_to_know(sp: Special) -> None:
    arrangement = complete(sp)

    def sees(user: object) -> bool:
        return selectors.arrangements_for(user).filter(pk=arrangement.pk).exists()  # type: ignore[arg-type]

    assert sees(sp.coach) and sees(sp.director) and sees(sp.teacher)
    assert not sees(sp.other_teacher)  # not a pupil of their group
    assert not sees(sp.other_coach)  # another special school
    assert not sees(sp.other_care_worker)  # another provider
    # The provider's workers only with the parents' consent for the joint team.
    services.arrangement_update(by=sp.coach, arrangement_id=arrangement.pk, coordinator=sp.coach)
    assert not sees(sp.care_worker)
    services.arrangement_consent(
        by=sp.coach, arrangement_id=arrangement.pk, given=True, method="paper", guardian=sp.guardian
    )
    assert sees(sp.care_worker)
    services.arrangement_consent(
        by=sp.coach,
        arrangement_id=arrangement.pk,
        given=False,
        method="paper",
        guardian=sp.guardian,
    )
    assert not sees(sp.care_worker)
    assert Consent.objects.filter(
        status=Consent.Status.WITHDRAWN, purpose=Purpose.JOINT_TEAM
    ).exists()
    with pytest.raises(NotFound):
        selectors.arrangement_for(sp.other_coach, arrangement.pk)
    with pytest.raises(NotFound):
        services.entry_add(by=sp.other_care_worker, arrangement_id=arrangement.pk, text="x")


def test_both_sides_write_in_one_plan(sp: Special) -> None:
    arrangement = activate(sp, complete(sp))
    services.entry_add(by=sp.teacher, arrangement_id=arrangement.pk, text="Werkt goed met timer")
    services.entry_add(by=sp.care_worker, arrangement_id=arrangement.pk, text="Thuis ook timer")
    sides = list(PlanEntry.objects.filter(arrangement=arrangement).values_list("side", flat=True))
    assert sides == [PlanEntry.Side.EDUCATION, PlanEntry.Side.COORDINATOR]
    with pytest.raises(CaseError):
        services.arrangement_update(by=sp.teacher, arrangement_id=arrangement.pk, care_kind="x")


def test_renewal_warns_once_and_puts_it_on_the_support_team_agenda(sp: Special) -> None:
    from kansrijk.access.roles import Role
    from kansrijk.meetings.models import AgendaItem, MeetingKind
    from kansrijk.meetings.services import series_create

    today = timezone.localdate()
    series_create(
        by=sp.coach,
        kind=MeetingKind.SUPPORT_TEAM_MEETING,
        name="VOT De Brug",
        location=sp.school,
        weekday=today.weekday(),
        start_time=datetime.time(23, 59),
        every_weeks=1,
        duration_minutes=60,
        members=[sp.director],
    )
    assert Role.INTERNAL_COACH
    arrangement = activate(sp, complete(sp, decision_end=today + datetime.timedelta(days=80)))
    assert services.renewals_warn(today=today) == 1
    assert services.renewals_warn(today=today) == 0
    arrangement.refresh_from_db()
    assert arrangement.state == Arrangement.State.UP_FOR_RENEWAL
    for person in (sp.care_worker, sp.coach, sp.director):
        assert (
            Notification.objects.filter(recipient=person, subject__contains="verleng").exists()
            or Notification.objects.filter(
                recipient=person, subject__contains=str(arrangement.pk)
            ).exists()
        )
    item = (
        AgendaItem.objects.get(reasons__contains=[AgendaItem.Reason.RENEWAL_DUE])
        if False
        else AgendaItem.objects.get(case__isnull=True, meeting__location=sp.school)
    )
    assert str(arrangement.pk) in item.topic and sp.pupil.given_name not in item.topic
    services.arrangement_renew(
        by=sp.coach,
        arrangement_id=arrangement.pk,
        decision_number="BES-2027-0040",
        decision_start=today + datetime.timedelta(days=81),
        decision_end=today + datetime.timedelta(days=446),
        evaluation_date=today + datetime.timedelta(days=120),
    )
    arrangement.refresh_from_db()
    assert arrangement.state == Arrangement.State.RENEWED
    assert services.renewals_warn(today=today) == 0


def test_not_warned_early(sp: Special) -> None:
    today = timezone.localdate()
    activate(sp, complete(sp, decision_end=today + datetime.timedelta(days=120)))
    assert services.renewals_warn(today=today) == 0


def test_ending_back_to_regular_school(sp: Special) -> None:
    arrangement = activate(sp, complete(sp))
    with pytest.raises(CaseError):
        services.arrangement_end(by=sp.coach, arrangement_id=arrangement.pk, reason="nope")
    services.arrangement_end(
        by=sp.coach, arrangement_id=arrangement.pk, reason=Arrangement.EndReason.BACK_TO_REGULAR
    )
    arrangement.refresh_from_db()
    assert arrangement.state == Arrangement.State.ENDED
