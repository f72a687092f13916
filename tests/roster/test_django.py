"""The Django side on the roster demo (built once for the module): pages, consent on public
pages, calendar feeds. The demo seeded into other data, and the planning command:
test_demo_seeding.py."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from kansrijk.core.models import Professional
from kansrijk.roster import selectors, services
from kansrijk.roster.checker import check
from kansrijk.roster.demo import seed_roster_demo
from kansrijk.roster.models import FeedToken, Shift
from kansrijk.roster.solver import Status
from tests.auth import sign_in
from tests.module_data import module_data

pytestmark = pytest.mark.django_db


def this_week() -> tuple[int, int]:
    year, week, _ = timezone.localdate().isocalendar()
    return year, week


def _seed() -> None:
    result = seed_roster_demo(weeks=1)
    assert result is not None and result.status is Status.OPTIMAL


_demo = module_data(_seed)


@pytest.fixture
def demo(_demo: None, db: None) -> None:
    """The roster demo, built once for the module (tests/module_data.py)."""


def person(spec: str) -> Professional:
    return Professional.objects.get(username=f"rooster.{spec}")


def test_demo_plans_the_current_week_within_every_rule(demo: None) -> None:
    year, week = this_week()
    problem = selectors.problem_for_week(year, week, stay_close_to_last_week=False)
    shifts = tuple(selectors.to_solver_shift(s) for s in selectors.week_shifts(year, week))
    assert len(shifts) == 90
    assert check(problem, shifts) == []


def test_staff_pages_need_a_login(demo: None, client: Client) -> None:
    for url in (
        reverse("roster:index"),
        reverse("roster:centre_week", args=["pwa"]),
        reverse("roster:today", args=["pwa"]),
        reverse("roster:person_week", args=[person("fatima").pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("core:login"))


def test_staff_pages_show_the_week_and_today(demo: None, client: Client) -> None:
    sign_in(client, person("rob"))
    fatima = person("fatima")
    week = selectors.week_label(*this_week())
    page = client.get(reverse("roster:centre_week", args=["pwa"]), {"week": week})
    assert page.status_code == 200
    assert str(fatima) in page.content.decode()
    assert client.get(reverse("roster:person_week", args=[fatima.pk])).status_code == 200
    assert client.get(reverse("roster:today", args=["schakel"])).status_code == 200
    assert client.get(reverse("roster:index")).status_code == 200
    assert client.get(reverse("roster:centre_week", args=["nowhere"])).status_code == 404


def test_public_page_shows_only_names_of_staff_who_agreed(demo: None, client: Client) -> None:
    week = selectors.week_label(*this_week())
    page = client.get(reverse("roster:public_centre", args=["pwa"]), {"week": week})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Fatima El Amrani" in html  # agreed
    assert "Yusuf Demir" not in html  # did not agree, but the psychologist is shown by role
    assert "Rob de Graaf" not in html
    assert "08:30" in html


def test_withdrawing_consent_removes_the_name(demo: None, client: Client) -> None:
    fatima = person("fatima")
    sign_in(client, fatima)
    client.post(reverse("roster:public_name"), {"allowed": "0"})
    client.logout()
    week = selectors.week_label(*this_week())
    html = client.get(reverse("roster:public_centre", args=["pwa"]), {"week": week}).content
    assert b"Fatima El Amrani" not in html


def test_personal_feed_is_valid_ical_and_dies_when_revoked(demo: None, client: Client) -> None:
    fatima = person("fatima")
    sign_in(client, fatima)
    client.post(reverse("roster:feed_create"))
    token = FeedToken.objects.get(professional=fatima)
    url = reverse("roster:person_feed", args=[token.token])
    client.logout()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == Shift.objects.filter(person=fatima).count() == 8
    assert all(e.get("uid") and e.get("dtstamp") and e.get("dtstart") for e in events)
    assert calendar.get("version") == "2.0" and calendar.get("prodid")
    sign_in(client, fatima)
    client.post(reverse("roster:feed_revoke", args=[token.pk]))
    client.logout()
    assert client.get(url).status_code == 404
    assert client.get(reverse("roster:person_feed", args=["not-a-token"])).status_code == 404


def test_someone_else_cannot_revoke_my_feed(demo: None, client: Client) -> None:
    token = services.feed_token_create(by=person("fatima"))
    sign_in(client, person("rob"))
    assert client.post(reverse("roster:feed_revoke", args=[token.pk])).status_code == 404


def test_centre_feed_is_public_and_names_only_who_agreed(demo: None, client: Client) -> None:
    response = client.get(reverse("roster:centre_feed", args=["pwa"]))
    assert response.status_code == 200
    summaries = [str(e.get("summary")) for e in Calendar.from_ical(response.content).walk("VEVENT")]
    assert any("Fatima El Amrani" in s for s in summaries)
    assert not any("Yusuf Demir" in s for s in summaries)


def test_sick_call_replans_the_rest_of_the_week(demo: None) -> None:
    year, week = this_week()
    eva = person("eva")
    days = selectors.solver.week_days(year, week)
    before = set(Shift.objects.values_list("person", "location", "date", "part"))
    result = services.register_absence(
        by=None,
        professional=eva,
        start=days[0],
        end=days[-1],
        now=(days[0], selectors.solver.Part.MORNING),
    ).result
    assert result is not None and result.status is Status.OPTIMAL
    assert not Shift.objects.filter(person=eva).exists()
    after = set(Shift.objects.values_list("person", "location", "date", "part"))
    assert len(before ^ after) <= 2 * 4  # Eva's two days move to Ahmed, nothing else
    problem = selectors.problem_for_week(year, week, stay_close_to_last_week=False)
    shifts = tuple(selectors.to_solver_shift(s) for s in selectors.week_shifts(year, week))
    assert check(problem, shifts) == []
