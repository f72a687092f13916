"""Agreements about a vulnerable child at school (issue 14, seed 001 Afspraak 1): the school
and the district team record the hours at school, who guides the child (parents present or
not) and a review date; on the case page, on the care meeting's agenda when due, ended with a
result."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kansrijk.attention import services
from kansrijk.attention.models import SchoolAgreement
from kansrijk.audit.models import AccessLogEntry
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.workflow import CaseState
from kansrijk.meetings.models import AgendaItem
from tests.auth import sign_in
from tests.cases.route import advance, open_case
from tests.meetings.conftest import age_case, care_meeting  # noqa: F401

pytestmark = pytest.mark.django_db


def _agreement(world, case, **kwargs):  # type: ignore[no-untyped-def]
    data = {
        "hours_per_week": 12,
        "guided_by": "Juf Ans, met moeder erbij",
        "parents_present": True,
        "review_on": timezone.localdate() + datetime.timedelta(days=14),
    }
    data.update(kwargs)
    return services.agreement_make(by=world.family_specialist, case_id=case.pk, **data)


def test_the_gs_records_an_agreement_and_ends_it_with_a_result(world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.IN_SUPPORT)
    agreement = _agreement(world, case)
    assert (agreement.hours_per_week, agreement.parents_present) == (12, True)
    assert AccessLogEntry.objects.filter(case_id=case.pk, purpose="school agreement").exists()
    with pytest.raises(CaseError) as empty:
        services.agreement_end(by=world.coach, agreement_id=agreement.pk, result=" ")
    assert empty.value.field == "result"
    services.agreement_end(by=world.coach, agreement_id=agreement.pk, result="Weer hele dagen")
    agreement.refresh_from_db()
    assert (agreement.result, agreement.ended_by) == ("Weer hele dagen", world.coach)
    with pytest.raises(NotFound):
        services.agreement_end(by=world.coach, agreement_id=agreement.pk, result="nog eens")


def test_bad_input_is_refused_with_the_field(world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.IN_SUPPORT)
    for kwargs, field in (
        ({"hours_per_week": 0}, "hours_per_week"),
        ({"guided_by": ""}, "guided_by"),
        ({"review_on": timezone.localdate() - datetime.timedelta(days=1)}, "review_on"),
    ):
        with pytest.raises(CaseError) as refused:
            _agreement(world, case, **kwargs)
        assert refused.value.field == field
    assert not SchoolAgreement.objects.exists()


def test_only_who_works_on_the_case_makes_one(world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.IN_SUPPORT)
    for user in (world.teacher, world.director, world.other_coach, world.policy_officer):
        with pytest.raises(NotFound):
            services.agreement_make(
                by=user,
                case_id=case.pk,
                hours_per_week=10,
                guided_by="x",
                parents_present=False,
                review_on=timezone.localdate(),
            )


def test_the_case_page_shows_it_and_a_bad_form_keeps_what_was_typed(client, world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.IN_SUPPORT)
    _agreement(world, case)
    sign_in(client, world.family_specialist)
    page = client.get(reverse("cases:case_network", args=[case.pk])).content.decode()
    assert 'data-testid="school-agreement"' in page
    assert "12 uur per week" in page and "Juf Ans, met moeder erbij" in page
    bad = client.post(
        reverse("attention:agreement_new", args=[case.pk]),
        {"hours_per_week": "50", "guided_by": "Meester Rob", "review_on": "2030-01-01"},
    )
    assert bad.status_code == 400
    assert "Meester Rob" in bad.content.decode()
    assert "Geef tussen 1 en 40 uur per week." in bad.content.decode()
    sign_in(client, world.other_coach)
    assert (
        client.post(
            reverse("attention:agreement_new", args=[case.pk]),
            {"hours_per_week": "5", "guided_by": "x", "review_on": "2030-01-01"},
        ).status_code
        == 404
    )


def test_a_due_review_puts_the_case_on_the_care_meetings_agenda(world, pupil, care_meeting):  # noqa: F811
    case = age_case(open_case(world, pupil), days=10)
    agreement = services.agreement_make(
        by=world.coach,
        case_id=case.pk,
        hours_per_week=8,
        guided_by="IB-er",
        parents_present=False,
        review_on=timezone.localdate(),
    )
    meeting = care_meeting()
    items = {i.case_id: i.reasons for i in meeting.items.all()}
    assert items[case.pk] == [AgendaItem.Reason.AGREEMENT_REVIEW_DUE]
    services.agreement_end(by=world.coach, agreement_id=agreement.pk, result="Afgerond")
    assert case.pk not in {i.case_id for i in care_meeting().items.all()}
