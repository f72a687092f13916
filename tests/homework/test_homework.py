"""Homework support (seed 001): the family specialist takes up a homework question without the
whole route; only they see it; every read and write is logged; the monitor counts it."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kansrijk.audit.models import AccessLogEntry, Event
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.models import Case
from kansrijk.homework import services
from kansrijk.homework.models import HomeworkSupport
from kansrijk.monitor.figures import compute_report
from kansrijk.monitor.periods import Period
from tests.auth import sign_in
from tests.conftest import World
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def start(world: World, pupil, **changes) -> HomeworkSupport:  # type: ignore[no-untyped-def]
    values = {
        "name": f"{pupil.given_name} {pupil.family_name}",
        "date_of_birth": pupil.date_of_birth,
        "place": "home",
        "question": "Moeder weet niet hoe ze met rekenen kan helpen.",
    }
    return services.homework_start(by=world.family_specialist, **{**values, **changes})


def test_the_family_specialist_takes_up_a_question_without_a_case(world: World, pupil) -> None:  # type: ignore[no-untyped-def]
    support = start(world, pupil)
    assert support.child == pupil and support.family == pupil.family
    assert Case.objects.count() == 0  # no route, no case
    entry = AccessLogEntry.objects.filter(event=Event.WRITE).latest("id")
    assert entry.child_id == pupil.pk and entry.purpose == "homework support"


def test_the_pupil_is_found_by_name_and_date_of_birth_only(world: World, pupil) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CaseError) as refused:
        start(world, pupil, date_of_birth=pupil.date_of_birth - datetime.timedelta(days=1))
    assert refused.value.field == "name"
    elsewhere = ChildFactory(location=world.other_school)
    with pytest.raises(CaseError):
        start(world, elsewhere)  # not a school the GS works at
    with pytest.raises(CaseError):
        start(world, pupil, question="  ")
    with pytest.raises(NotFound):
        services.homework_start(
            by=world.coach,
            name=pupil.given_name,
            date_of_birth=pupil.date_of_birth,
            place="home",
            question="x",
        )


def test_only_the_family_specialist_sees_it(client: Client, world: World, pupil) -> None:  # type: ignore[no-untyped-def]
    support = start(world, pupil)
    sign_in(client, world.family_specialist)
    page = client.get(f"/homework/{support.pk}/").content.decode()
    assert "Moeder weet niet hoe" in page
    assert 'data-testid="homework-link"' in client.get("/").content.decode()  # on My work
    for person in (world.coach, world.coordinator, world.swv, world.teacher):
        sign_in(client, person)
        assert client.get(f"/homework/{support.pk}/").status_code == 404
        assert client.get("/homework/").status_code in (404,)


def test_ending_records_the_result_and_refuses_a_bad_date(
    client: Client,
    world: World,
    pupil,  # type: ignore[no-untyped-def]
) -> None:
    support = start(world, pupil, started_on=timezone.localdate() - datetime.timedelta(days=7))
    sign_in(client, world.family_specialist)
    too_early = (support.started_on - datetime.timedelta(days=1)).isoformat()
    response = client.post(
        f"/homework/{support.pk}/",
        {"result": "helped", "note": "Gaat goed nu.", "ended_on": too_early},
    )
    assert response.status_code == 400
    assert "Het einde ligt tussen de start en vandaag." in response.content.decode()
    assert "Gaat goed nu." in response.content.decode()
    response = client.post(
        f"/homework/{support.pk}/",
        {"result": "helped", "note": "Gaat goed nu.", "ended_on": timezone.localdate()},
    )
    assert response.status_code == 302
    page = client.get(f"/homework/{support.pk}/").content.decode()
    assert "De ouders redden het zelf" in page


def test_the_list_is_paged_and_bounded(client: Client, world: World, pupil) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, world.family_specialist)

    def make(n: int) -> None:
        HomeworkSupport.objects.bulk_create(
            HomeworkSupport(
                child=pupil, family=pupil.family, specialist=world.family_specialist,
                place="school", question="x",
            )
            for _i in range(n)
        )  # fmt: skip

    make(2)
    client.get("/homework/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/homework/").status_code == 200
    make(60)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/homework/")
    assert response.content.decode().count("/homework/") >= 25
    assert len(many) == len(few) and len(many) <= 15


def test_the_monitor_counts_children_with_homework_support(world: World) -> None:
    today = timezone.localdate()
    for _n in range(6):
        child = ChildFactory(location=world.school)
        HomeworkSupport.objects.create(
            child=child,
            family=child.family,
            specialist=world.family_specialist,
            place="school",
            question="x",
            result="helped",
            ended_on=today,
        )
    report = compute_report(Period.months(today, today))
    table = next(t for t in report["tables"] if t["figure"] == "homework")
    values = [cell[0] for row in table["cells"] for cell in row]
    assert values.count(6) >= 2  # De Schakel and the region: six children started
