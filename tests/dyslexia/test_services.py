"""The dyslexia file's services: the school completes and submits, the gatekeeper asks and
decides, the municipality issues; every write leaves an access-log entry."""

from __future__ import annotations

import datetime

import pytest

from kansrijk.audit.models import AccessLogEntry
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.dyslexia import services
from kansrijk.dyslexia.models import DyslexiaFile, Status
from kansrijk.notifications.models import Notification
from tests.dyslexia.conftest import Eed, complete_file


def test_submit_without_consent_is_refused(eed: Eed) -> None:
    file = services.file_open(by=eed.world.coach, child=eed.pupil)
    with pytest.raises(CaseError, match="toestemming van de ouders"):
        services.file_submit(by=eed.world.coach, file_id=file.pk)


def test_a_complete_file_is_submitted_and_the_gatekeeper_told(eed: Eed) -> None:
    file = complete_file(eed)
    services.file_submit(by=eed.world.coach, file_id=file.pk)
    file.refresh_from_db()
    assert file.status == Status.SUBMITTED
    assert file.complete_at_first_submission is True
    assert file.times_submitted == 1
    told = Notification.objects.filter(recipient=eed.gatekeeper)
    assert told.count() == 1
    assert not Notification.objects.filter(recipient=eed.other_gatekeeper).exists()


def test_every_write_is_logged(eed: Eed) -> None:
    before = AccessLogEntry.objects.count()
    file = complete_file(eed)
    # open, 3 measurements, 2 periods, exclusion, consent
    assert AccessLogEntry.objects.count() - before == 8
    entry = AccessLogEntry.objects.order_by("-id").first()
    assert entry is not None and entry.child_id == eed.pupil.pk
    assert entry.purpose == "dyslexia file"
    assert f"dyslexia file {file.pk}" in entry.detail


def test_ask_complete_resubmit_refer(eed: Eed) -> None:
    coach = eed.world.coach
    file = complete_file(eed, measurements=2)
    services.file_submit(by=coach, file_id=file.pk)
    file.refresh_from_db()
    assert file.complete_at_first_submission is False
    services.question_ask(by=eed.gatekeeper, file_id=file.pk, text="De derde DMT-meting ontbreekt")
    file.refresh_from_db()
    assert file.status == Status.MORE_INFORMATION
    assert Notification.objects.filter(recipient=coach, url__contains=str(file.pk)).exists()
    question = file.questions.get()
    with pytest.raises(CaseError, match="vraag van de poortwachter"):
        services.file_submit(by=coach, file_id=file.pk)
    services.measurement_add(
        by=coach,
        file_id=file.pk,
        measured_on=datetime.date(2025, 12, 1),
        test="dmt",
        skill="reading",
        percentile=7,
    )
    services.question_answer(
        by=coach, file_id=file.pk, question_id=question.pk, answer="Bijgevoegd"
    )
    services.file_submit(by=coach, file_id=file.pk)
    file.refresh_from_db()
    assert (file.status, file.times_submitted) == (Status.SUBMITTED, 2)
    assert services.file_check(file).passed
    services.file_decide(
        by=eed.gatekeeper,
        file_id=file.pk,
        refer=True,
        provider=eed.provider,
        municipality=eed.municipality,
    )
    file.refresh_from_db()
    assert file.status == Status.REFERRED
    assert file.decided_at is not None and file.decided_at >= file.first_submitted_at


def test_the_school_cannot_change_a_submitted_file(eed: Eed) -> None:
    file = complete_file(eed)
    services.file_submit(by=eed.world.coach, file_id=file.pk)
    with pytest.raises(CaseError):
        services.support_add(
            by=eed.world.coach,
            file_id=file.pk,
            started_on=datetime.date(2025, 1, 1),
            ended_on=datetime.date(2025, 4, 1),
            approach="x",
            minutes_per_week=60,
            result="x",
        )


def test_not_referred_needs_reason_and_advice(eed: Eed) -> None:
    file = complete_file(eed, percentile=30)
    services.file_submit(by=eed.world.coach, file_id=file.pk)
    with pytest.raises(CaseError) as refused:
        services.file_decide(
            by=eed.gatekeeper, file_id=file.pk, refer=False, reason="Geen achterstand"
        )
    assert refused.value.field == "advice"
    services.file_decide(
        by=eed.gatekeeper,
        file_id=file.pk,
        refer=False,
        reason="Lezen boven P16",
        advice="Zet de leesinterventie voort in de klas",
    )
    assert DyslexiaFile.objects.get(pk=file.pk).status == Status.NOT_REFERRED


def test_referral_needs_a_dyslexia_care_provider(eed: Eed) -> None:
    file = complete_file(eed)
    services.file_submit(by=eed.world.coach, file_id=file.pk)
    with pytest.raises(CaseError) as refused:
        services.file_decide(
            by=eed.gatekeeper,
            file_id=file.pk,
            refer=True,
            provider=eed.municipality,
            municipality=eed.municipality,
        )
    assert refused.value.field == "provider"


def test_strangers_get_not_found(eed: Eed) -> None:
    file = complete_file(eed)
    with pytest.raises(NotFound):  # another school's IB
        services.measurement_add(
            by=eed.world.other_coach,
            file_id=file.pk,
            measured_on=datetime.date(2025, 1, 1),
            test="dmt",
            skill="reading",
            percentile=5,
        )
    services.file_submit(by=eed.world.coach, file_id=file.pk)
    with pytest.raises(NotFound):  # the gatekeeper of the other school
        services.question_ask(by=eed.other_gatekeeper, file_id=file.pk, text="?")
    with pytest.raises(NotFound):  # the school does not decide
        services.file_decide(by=eed.world.coach, file_id=file.pk, refer=False)
    with pytest.raises(NotFound):  # another school's pupil
        services.file_open(by=eed.world.other_coach, child=eed.pupil)


def test_the_municipality_issues_its_decision(eed: Eed) -> None:
    file = complete_file(eed)
    services.file_submit(by=eed.world.coach, file_id=file.pk)
    with pytest.raises(NotFound):  # not referred yet: nothing to issue
        services.decision_issue(by=eed.officer, file_id=file.pk, number="EED-1")
    services.file_decide(
        by=eed.gatekeeper,
        file_id=file.pk,
        refer=True,
        provider=eed.provider,
        municipality=eed.municipality,
    )
    services.decision_issue(by=eed.officer, file_id=file.pk, number="EED-2026-001")
    file.refresh_from_db()
    assert file.decision_number == "EED-2026-001"
    with pytest.raises(CaseError):
        services.decision_issue(by=eed.officer, file_id=file.pk, number="EED-2026-002")
