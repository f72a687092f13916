"""Absence and swaps: the re-plan runs at once, moves little, names who takes over, tells people."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from kansrijk.core.models import Professional
from kansrijk.notifications.models import Notification
from kansrijk.roster import selectors
from kansrijk.roster.checker import check
from kansrijk.roster.demo import seed_roster_demo
from kansrijk.roster.models import Absence, Shift, SwapRequest
from tests.auth import sign_in
from tests.module_data import module_data

pytestmark = pytest.mark.django_db


def person(spec: str) -> Professional:
    return Professional.objects.get(username=f"rooster.{spec}")


_demo = module_data(lambda: seed_roster_demo(weeks=2, published=2))


@pytest.fixture
def next_week(_demo: None, db: None) -> tuple[int, int]:
    """The demo with this week and next week planned and published (built once for the
    module, tests/module_data.py); next week's (year, week)."""
    return selectors.horizon(2)[1]


def assert_valid(year: int, week: int, missing: set[str] | None = None) -> None:
    """The checker passes, apart from the coverage of the rules in ``missing``."""
    problem = selectors.problem_for_week(year, week, stay_close_to_last_week=False)
    shifts = tuple(selectors.to_solver_shift(s) for s in selectors.week_shifts(year, week))
    violations = check(problem, shifts)
    assert {v.detail.split(":")[0] for v in violations if v.code == "coverage"} == (
        missing or set()
    )
    assert [v for v in violations if v.code != "coverage"] == []


def week_rows(year: int, week: int) -> set[tuple[object, ...]]:
    days = selectors.solver.week_days(year, week)
    return set(
        Shift.objects.filter(date__range=(days[0], days[-1])).values_list(
            "person", "location", "date", "part"
        )
    )


def test_the_nurse_reports_sick_for_tuesday(next_week: tuple[int, int], client: Client) -> None:
    sanne = person("sanne")
    tuesday = selectors.solver.week_days(*next_week)[1]
    assert Shift.objects.filter(person=sanne, date=tuesday).exists()
    before = week_rows(*next_week)
    sign_in(client, sanne)
    page = client.post(
        reverse("roster:absence"),
        {
            "professional": sanne.pk,
            "kind": "sick",
            "start": tuesday.isoformat(),
            "start_part": "morning",
            "end": tuesday.isoformat(),
            "end_part": "afternoon",
        },
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Wie neemt het over" in html
    assert "niemand: dit dagdeel is niet gedekt" in html  # her fixed day is not moved
    after = week_rows(*next_week)
    assert not Shift.objects.filter(person=sanne, date=tuesday).exists()
    assert before - after == {row for row in before if row[0] == sanne.pk and row[2] == tuesday}
    assert after <= before  # nothing else moves
    assert_valid(*next_week, missing={"nurse-schakel"})
    note = Notification.objects.get(recipient=sanne)
    assert "Je rooster is gewijzigd" in note.subject
    week_page = client.get(note.url)
    assert week_page.status_code == 200
    absence = Absence.objects.get()
    assert absence.kind == "sick" and absence.reported_by == sanne


def test_the_coordinator_sees_who_takes_over(next_week: tuple[int, int], client: Client) -> None:
    eva, ahmed = person("eva"), person("ahmed")
    days = selectors.solver.week_days(*next_week)
    sign_in(client, person("rob"))
    page = client.post(
        reverse("roster:absence"),
        {
            "professional": eva.pk,
            "kind": "leave",
            "start": days[0].isoformat(),
            "start_part": "morning",
            "end": days[-1].isoformat(),
            "end_part": "afternoon",
        },
    )
    html = page.content.decode()
    assert "Ahmed Yilmaz" in html and "Eva Smit" in html
    assert not Shift.objects.filter(person=eva, date__range=(days[0], days[-1])).exists()
    assert Notification.objects.filter(recipient=ahmed).exists()
    assert Notification.objects.filter(recipient=eva).exists()
    assert_valid(*next_week)


def test_a_period_over_two_weeks_replans_both(next_week: tuple[int, int]) -> None:
    from kansrijk.roster import services

    eva = person("eva")
    services.plan_horizon(by=None, weeks=3)  # next week and the one after, whatever today is
    after = selectors.horizon(3)[2]
    start = selectors.solver.week_days(*next_week)[-1]
    outcome = services.register_absence(
        by=None, professional=eva, start=start, end=start + timedelta(days=7)
    )
    assert [label for label, _ in outcome.results] == [
        selectors.week_label(*next_week),
        selectors.week_label(*after),
    ]
    assert_valid(*next_week)
    assert_valid(*after)


def test_nobody_reports_someone_else_absent(next_week: tuple[int, int], client: Client) -> None:
    sign_in(client, person("sanne"))
    day = selectors.solver.week_days(*next_week)[1].isoformat()
    page = client.post(
        reverse("roster:absence"),
        {"professional": person("eva").pk, "kind": "sick", "start": day, "end": day},
    )
    assert page.status_code == 400
    assert not Absence.objects.exists()
    assert day in page.content.decode()  # what was typed is kept


def test_a_swap_is_asked_and_approved(next_week: tuple[int, int], client: Client) -> None:
    eva = person("eva")
    shift = Shift.objects.filter(person=eva, date__gte=selectors.solver.week_days(*next_week)[0])
    first = shift.order_by("date", "part").first()
    assert first is not None
    sign_in(client, eva)
    client.post(reverse("roster:swap_new", args=[first.pk]), {"reason": "tandarts"})
    swap = SwapRequest.objects.get()
    assert swap.status == "open"
    page = client.get(
        reverse("roster:person_week", args=[eva.pk]), {"week": selectors.week_label(*next_week)}
    )
    assert "Wacht op de regisseur" in page.content.decode()
    # Someone else's shift cannot be asked for.
    other = Shift.objects.exclude(person=eva).first()
    assert other is not None
    assert client.post(reverse("roster:swap_new", args=[other.pk])).status_code == 404
    # Only the coordinator decides.
    assert (
        client.post(
            reverse("roster:swap_decide", args=[swap.pk]), {"decision": "approve"}
        ).status_code
        == 404
    )
    sign_in(client, person("rob"))
    plan = client.get(reverse("roster:plan")).content.decode()
    assert "tandarts" in plan
    page = client.post(reverse("roster:swap_decide", args=[swap.pk]), {"decision": "approve"})
    assert page.status_code == 200
    assert "Wie neemt het over" in page.content.decode()
    swap.refresh_from_db()
    assert swap.status == "approved"
    assert not Shift.objects.filter(person=eva, date=swap.date, part=swap.part).exists()
    assert Notification.objects.filter(recipient=eva, subject__contains="goedgekeurd").exists()
    assert_valid(*next_week)
