"""Activities in the roster: sessions, sign-up with a waiting list, attendance, participation."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kansrijk.core.models import Location, Professional
from kansrijk.monitor.figures import compute_report
from kansrijk.monitor.periods import Period
from kansrijk.roster import selectors, services
from kansrijk.roster.demo import seed_roster_demo
from kansrijk.roster.models import Activity, Attendance, Enrolment
from tests.auth import sign_in
from tests.module_data import module_data

pytestmark = pytest.mark.django_db


def person(spec: str) -> Professional:
    return Professional.objects.get(username=f"rooster.{spec}")


_demo = module_data(lambda: seed_roster_demo(weeks=2))


@pytest.fixture
def demo(_demo: None, db: None) -> None:
    """The roster demo, built once for the module (tests/module_data.py)."""


def test_a_language_worker_signs_a_parent_up_for_the_parent_room(
    demo: None, client: Client
) -> None:
    room = Activity.objects.get(code="ouderkamer")
    pwa = Location.objects.get(code="pwa")
    url = reverse("roster:activity", args=[room.pk, "pwa"])
    sign_in(client, person("aylin"))
    page = client.get(url)
    assert page.status_code == 200
    assert "Komende bijeenkomsten" in page.content.decode()
    sessions = selectors.activity_sessions(room, pwa, timezone.localdate())
    assert sessions and all(
        s.part == "afternoon" and s.date.weekday() in (2, 3, 4) for s in sessions
    )
    page = client.post(url, {"name": "Fatma Yıldız", "phone": "06-12345678"}, follow=True)
    assert "Fatma Yıldız is aangemeld." in page.content.decode()
    assert Enrolment.objects.get(name="Fatma Yıldız").status == "enrolled"


def test_a_full_activity_has_a_waiting_list_that_moves_up(demo: None) -> None:
    aylin = person("aylin")
    lessons = Activity.objects.get(code="lezen-schrijven")
    Activity.objects.filter(pk=lessons.pk).update(capacity=4)
    lessons.refresh_from_db()
    schakel = Location.objects.get(code="schakel")
    taken = Enrolment.objects.filter(activity=lessons, location=schakel, status="enrolled").count()
    assert taken == 3
    fourth = services.enrol(by=aylin, activity=lessons, location=schakel, name="Anna de Boer")
    fifth = services.enrol(by=aylin, activity=lessons, location=schakel, name="Bram Smit")
    assert (fourth.status, fifth.status) == ("enrolled", "waiting")
    promoted = services.withdraw(by=aylin, enrolment_id=fourth.pk)
    assert promoted is not None and promoted.pk == fifth.pk
    fifth.refresh_from_db()
    assert fifth.status == "enrolled"


def test_attendance_is_kept_per_session(demo: None, client: Client) -> None:
    aylin = person("aylin")
    lessons = Activity.objects.get(code="nl-les")
    pwa = Location.objects.get(code="pwa")
    people = list(Enrolment.objects.filter(activity=lessons, location=pwa, status="enrolled"))
    day = timezone.localdate()
    sign_in(client, aylin)
    response = client.post(
        reverse("roster:attendance", args=[lessons.pk, "pwa"]),
        {"date": day.isoformat(), "part": "morning", "present": [people[0].pk, people[1].pk]},
    )
    assert response.status_code == 302
    assert Attendance.objects.filter(present=True).count() == 2
    assert Attendance.objects.filter(present=False).count() == len(people) - 2


def test_only_the_workers_of_an_activity_see_it(demo: None, client: Client) -> None:
    lessons = Activity.objects.get(code="nl-les")
    after_school = Activity.objects.get(code="naschools")
    sign_in(client, person("sanne"))
    assert client.get(reverse("roster:activities")).status_code == 404
    assert client.get(reverse("roster:activity", args=[lessons.pk, "pwa"])).status_code == 404
    sign_in(client, person("sem"))  # after-school worker
    assert client.get(reverse("roster:activity", args=[lessons.pk, "pwa"])).status_code == 404
    assert client.get(reverse("roster:activity", args=[after_school.pk, "pwa"])).status_code == 200
    enrolment = Enrolment.objects.filter(activity=lessons).first()
    assert enrolment is not None
    assert client.post(reverse("roster:withdraw", args=[enrolment.pk])).status_code == 404


def test_the_activities_page_reads_a_bounded_number_of_queries(
    demo: None, client: Client, django_assert_max_num_queries: object
) -> None:
    sign_in(client, person("rob"))  # the coordinator sees them all
    with django_assert_max_num_queries(15):  # type: ignore[operator]
        page = client.get(reverse("roster:activities"))
    assert page.content.decode().count("roster/activities/") >= 5 * 3


def test_the_monitor_counts_participation_per_centre_suppressed_below_five(demo: None) -> None:
    report = compute_report(Period.default(timezone.localdate()))
    (table,) = [t for t in report["tables"] if t["figure"] == "participation"]
    rendered = str(table)
    pwa = Location.objects.get(code="pwa")
    # 6 for lessons, 6 after-school, 3 for each of the three others: 21 per centre.
    per_centre, _total = selectors.participation(
        Period.default(timezone.localdate()).start, timezone.localdate(), [pwa.pk]
    )
    assert per_centre[pwa.pk] == 21
    assert "21" in rendered
    # Below five at a centre: hidden.
    Enrolment.objects.filter(location=pwa).exclude(
        pk__in=Enrolment.objects.filter(location=pwa)[:3]
    ).delete()
    report = compute_report(Period.default(timezone.localdate()))
    (table,) = [t for t in report["tables"] if t["figure"] == "participation"]
    assert "primary" in str(table)


def test_the_activity_page_reads_a_bounded_number_of_queries(
    demo: None, client: Client, django_assert_max_num_queries: object
) -> None:
    lessons = Activity.objects.get(code="nl-les")
    pwa = Location.objects.get(code="pwa")
    for n in range(20):  # a long waiting list costs no extra queries
        services.enrol(by=person("aylin"), activity=lessons, location=pwa, name=f"Ouder {n}")
    sign_in(client, person("aylin"))
    with django_assert_max_num_queries(15):  # type: ignore[operator]
        page = client.get(reverse("roster:activity", args=[lessons.pk, "pwa"]))
    html = page.content.decode()
    assert all(f"Ouder {n}" in html for n in range(20))  # signed up or on the waiting list
