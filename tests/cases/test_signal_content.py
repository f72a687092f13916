"""Issue 14: what the teacher wrote reaches those who need it, at the level the matrix grants:
the full file shows description, domain and urgency; a summary only domain and urgency."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kansrijk.cases import selectors
from kansrijk.cases.workflow import CaseState
from tests.auth import sign_in
from tests.cases.route import advance, open_case

pytestmark = pytest.mark.django_db

TEXT = "Sem is sinds de herfstvakantie stil en komt vaak te laat."


def test_the_coach_reads_what_the_teacher_wrote(world, pupil):
    case = open_case(world, pupil)
    [signal] = selectors.case_file(world.coach, case).signals
    assert (signal.domain, signal.urgency, signal.description) == ("behaviour", "normal", TEXT)
    assert signal.author == str(world.teacher)


def test_a_summary_viewer_sees_domain_and_urgency_not_the_text(world, pupil):
    case = open_case(world, pupil)
    [signal] = selectors.case_file(world.director, case).signals
    assert (signal.domain_label, signal.urgency_label) == ("Gedrag", "Binnen twee weken")
    assert signal.description is None
    assert signal.author is None


def test_the_teacher_reads_their_own_signal_in_summary(world, pupil):
    case = open_case(world, pupil)
    [signal] = selectors.case_file(world.teacher, case).signals
    assert signal.description == TEXT


def test_the_case_page_shows_the_signal_at_the_granted_level(world, pupil):
    case = open_case(world, pupil)
    client = sign_in(Client(HTTP_ACCEPT_LANGUAGE="nl"), world.coach)
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert TEXT in page and "Gedrag" in page
    client = sign_in(Client(HTTP_ACCEPT_LANGUAGE="nl"), world.director)
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "Gedrag" in page and TEXT not in page


def test_the_api_gives_the_same_signal_fields(world, pupil):
    case = open_case(world, pupil)
    client = sign_in(Client(HTTP_ACCEPT_LANGUAGE="nl"), world.director)
    body = client.get(f"/api/cases/{case.pk}").json()
    assert body["signals"][0]["domain"] == "behaviour"
    assert body["signals"][0]["description"] is None
    client = sign_in(Client(HTTP_ACCEPT_LANGUAGE="nl"), world.coach)
    assert client.get(f"/api/cases/{case.pk}").json()["signals"][0]["description"] == TEXT


def test_the_attention_list_shows_the_signals_to_the_family_specialist(world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.ON_ATTENTION_LIST)
    client = sign_in(Client(HTTP_ACCEPT_LANGUAGE="nl"), world.family_specialist)
    page = client.get(reverse("attention:list", args=[world.school.code])).content.decode()
    assert reverse("cases:case_detail", args=[case.pk]) in page
    assert "Gedrag" in page and TEXT in page


def test_my_signals_never_link_to_a_case_the_author_may_not_open(world, pupil):
    """Issue 14: the family specialist's signal about a family whose file they do not (yet)
    read is listed without a link to the case page (which would answer 404)."""
    from kansrijk.cases.models import Signal

    case = open_case(world, pupil)
    Signal.objects.create(
        case=case,
        child=pupil,
        author=world.family_specialist,
        author_role="family_specialist",
        location=world.school,
        domain="home",
        urgency="normal",
        description="Moeder vertelde over schulden.",
    )
    [mine] = selectors.signals_by(world.family_specialist, 50)
    assert mine.may_open is False
    [teachers] = selectors.signals_by(world.teacher, 50)
    assert teachers.may_open is True
    client = sign_in(Client(HTTP_ACCEPT_LANGUAGE="nl"), world.family_specialist)
    page = client.get(reverse("cases:my_work")).content.decode()
    assert "Sem" in page
    assert reverse("cases:case_detail", args=[case.pk]) not in page
