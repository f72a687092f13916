"""The dyslexia pages: need-to-know per role (a file out of reach answers 404), the
municipality's list and CSV without the file, bad input that keeps what was typed, and lists
whose query count does not grow with their rows."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kansrijk.audit.models import AccessLogEntry
from kansrijk.dyslexia import services
from kansrijk.dyslexia.models import DyslexiaFile
from tests.auth import sign_in
from tests.dyslexia.conftest import Eed, complete_file
from tests.factories import ChildFactory
from tests.pages import main_text

pytestmark = pytest.mark.django_db


def _status(client: Client, user: object, url: str) -> int:
    client.logout()
    sign_in(client, user)  # type: ignore[arg-type]
    return client.get(url).status_code


def _referred(eed: Eed) -> DyslexiaFile:
    file = complete_file(eed)
    services.file_submit(by=eed.world.coach, file_id=file.pk)
    services.file_decide(
        by=eed.gatekeeper,
        file_id=file.pk,
        refer=True,
        provider=eed.provider,
        municipality=eed.municipality,
    )
    return file


def test_who_opens_a_draft(client: Client, eed: Eed) -> None:
    file = complete_file(eed)
    url = f"/dyslexie/{file.pk}/"
    assert _status(client, eed.world.coach, url) == 200
    for stranger in (
        eed.world.other_coach,
        eed.gatekeeper,  # not submitted yet
        eed.provider_worker,
        eed.officer,
        eed.world.teacher,
        eed.world.swv,
    ):
        assert _status(client, stranger, url) == 404, stranger


def test_who_opens_a_referral(client: Client, eed: Eed) -> None:
    file = _referred(eed)
    url = f"/dyslexie/{file.pk}/"
    for allowed in (eed.world.coach, eed.gatekeeper, eed.provider_worker):
        assert _status(client, allowed, url) == 200, allowed
    for stranger in (eed.other_gatekeeper, eed.other_provider_worker, eed.officer):
        assert _status(client, stranger, url) == 404, stranger
    client.logout()
    sign_in(client, eed.provider_worker)
    text = client.get("/dyslexie/verwijzingen/").content.decode()
    assert eed.pupil.given_name in text
    client.logout()
    sign_in(client, eed.other_provider_worker)
    assert eed.pupil.given_name not in main_text(client.get("/dyslexie/verwijzingen/"))


def test_the_gatekeeper_work_list_holds_only_submitted_files_of_their_schools(
    client: Client, eed: Eed
) -> None:
    file = complete_file(eed)
    sign_in(client, eed.gatekeeper)
    assert eed.pupil.given_name not in main_text(client.get("/dyslexie/poortwachter/"))
    services.file_submit(by=eed.world.coach, file_id=file.pk)
    text = client.get("/dyslexie/poortwachter/").content.decode()
    assert eed.pupil.given_name in text
    client.logout()
    sign_in(client, eed.other_gatekeeper)
    assert eed.pupil.given_name not in main_text(client.get("/dyslexie/poortwachter/"))


def test_the_municipality_sees_the_decision_not_the_file(client: Client, eed: Eed) -> None:
    file = _referred(eed)
    sign_in(client, eed.officer)
    text = client.get("/dyslexie/beschikkingen/").content.decode()
    assert eed.pupil.family_name in text
    assert "999999990" in text
    assert "Dyslexiezorg Rijnmond" in text
    assert "Weinig vooruitgang" not in text  # the support's result is the file's, not theirs
    assert "Percentiel" not in text
    csv = client.get("/dyslexie/beschikkingen.csv")
    body = csv.content.decode("utf-8")
    assert body.startswith("\ufeff")
    header, row = body.lstrip("\ufeff").splitlines()[:2]
    assert header.split(";")[:5] == ["Nummer", "Voornaam", "Achternaam", "Geboortedatum", "BSN"]
    assert row.split(";")[0] == str(file.pk) and "999999990" in row
    assert AccessLogEntry.objects.filter(event="export", user_id=eed.officer.pk).exists()
    response = client.post(f"/dyslexie/beschikkingen/{file.pk}/afgegeven/", {"number": "B-7"})
    assert response.status_code == 302
    assert DyslexiaFile.objects.get(pk=file.pk).decision_number == "B-7"


def test_bad_input_keeps_what_was_typed(client: Client, eed: Eed) -> None:
    file = services.file_open(by=eed.world.coach, child=eed.pupil)
    sign_in(client, eed.world.coach)
    response = client.post(
        f"/dyslexie/{file.pk}/meting/",
        {
            "measured_on": "2025-03-01",
            "test": "dmt",
            "skill": "reading",
            "score": "37 woorden",
            "percentile": "150",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Een percentiel ligt tussen 0 en 100." in text
    assert 'value="37 woorden"' in text and 'value="150"' in text
    future = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    response = client.post(
        f"/dyslexie/{file.pk}/meting/",
        {"measured_on": future, "test": "dmt", "skill": "reading", "percentile": "5"},
    )
    assert response.status_code == 400
    assert "Een meting kan niet in de toekomst liggen." in response.content.decode()
    response = client.post(f"/dyslexie/{file.pk}/indienen/")
    assert response.status_code == 400
    assert "Leg de toestemming van de ouders vast" in response.content.decode()


def test_the_decision_page_refuses_without_a_provider(client: Client, eed: Eed) -> None:
    file = complete_file(eed)
    services.file_submit(by=eed.world.coach, file_id=file.pk)
    sign_in(client, eed.gatekeeper)
    page = client.get(f"/dyslexie/{file.pk}/besluit/")
    assert page.status_code == 200
    assert 'data-passed="yes"' in page.content.decode()
    response = client.post(
        f"/dyslexie/{file.pk}/besluit/", {"refer": "yes", "reason": "Voldoet aan de criteria"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Kies de dyslexiezorgaanbieder." in text and "Voldoet aan de criteria" in text


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_lists_do_not_grow_with_their_rows(client: Client, eed: Eed) -> None:
    coach = eed.world.coach

    def add(n: int) -> None:
        for _ in range(n):
            child = ChildFactory(location=eed.world.school)
            file = services.file_open(by=coach, child=child)
            DyslexiaFile.objects.filter(pk=file.pk).update(
                status="referred",
                first_submitted_at=file.created_at,
                submitted_at=file.created_at,
                decided_at=file.created_at,
                provider=eed.provider,
                municipality=eed.municipality,
            )

    for user, url in (
        (coach, "/dyslexie/"),
        (eed.gatekeeper, "/dyslexie/poortwachter/"),
        (eed.provider_worker, "/dyslexie/verwijzingen/"),
        (eed.officer, "/dyslexie/beschikkingen/"),
    ):
        client.logout()
        sign_in(client, user)
        add(2)
        client.get(url)
        few = _count(client, url)
        add(5)
        many = _count(client, url)
        assert few == many <= 15, url
