"""Planning in the UI: the rolling horizon, publishing, re-plans of published weeks, reasons."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kansrijk.core.models import Professional
from kansrijk.roster import selectors, services
from kansrijk.roster.checker import check
from kansrijk.roster.demo import seed_roster_demo
from kansrijk.roster.models import Availability, RosterRule, RosterWeek, Shift
from kansrijk.roster.tasks import plan_horizon_nightly
from tests.auth import sign_in
from tests.module_data import module_data

pytestmark = pytest.mark.django_db


def person(spec: str) -> Professional:
    return Professional.objects.get(username=f"rooster.{spec}")


def assert_valid(year: int, week: int) -> None:
    """The independent checker finds nothing wrong with the stored week."""
    problem = selectors.problem_for_week(year, week, stay_close_to_last_week=False)
    shifts = tuple(selectors.to_solver_shift(s) for s in selectors.week_shifts(year, week))
    assert shifts
    assert check(problem, shifts) == []


_rules = module_data(lambda: seed_roster_demo(plan=False))


@pytest.fixture
def rules(_rules: None, db: None) -> None:
    """The roster demo's rules, unplanned (built once for the module)."""


def test_the_horizon_is_six_weeks_each_valid_and_stable(rules: None) -> None:
    planned = services.plan_horizon(by=None)
    weeks = selectors.horizon(services.HORIZON_WEEKS)
    assert [label for label, _ in planned] == [selectors.week_label(*w) for w in weeks]
    for year, week in weeks:
        assert_valid(year, week)
    rows = selectors.horizon_overview(weeks)
    assert all(row.state is not None and row.state.status == "draft" for row in rows)
    assert all(row.missing == 0 for row in rows)
    for year, week in weeks[1:]:  # the same rules: only the rotating consultation hours move
        changes = selectors.week_changes(year, week)
        moved = {s.rule.code for s in changes.added + changes.removed if s.rule}
        assert moved <= {"housing", "debt", "forms"}, moved


def test_a_published_week_is_replanned_with_few_changes(rules: None) -> None:
    weeks = selectors.horizon(2)
    services.plan_horizon(by=None, weeks=2)
    nxt = weeks[1]
    assert services.publish_week(by=None, iso_year=nxt[0], iso_week=nxt[1]) is not None
    before = set(
        Shift.objects.filter(date__gte=selectors.solver.week_days(*nxt)[0]).values_list(
            "person", "location", "date", "part"
        )
    )
    # Eva stops working on Mondays and Tuesdays: only her days may move.
    Availability.objects.filter(professional=person("eva")).update(days_off="0,1")
    services.plan_week(by=None, iso_year=nxt[0], iso_week=nxt[1])
    after = set(
        Shift.objects.filter(date__gte=selectors.solver.week_days(*nxt)[0]).values_list(
            "person", "location", "date", "part"
        )
    )
    moved = before ^ after
    assert moved and len(moved) <= 2 * 2 * 2  # at most her two days away and back elsewhere
    assert {pk for pk, *_ in moved} <= {person("eva").pk, person("ahmed").pk}
    assert RosterWeek.objects.get(iso_year=nxt[0], iso_week=nxt[1]).is_published
    assert_valid(*nxt)


def test_the_nightly_task_plans_the_horizon(rules: None) -> None:
    result = plan_horizon_nightly.enqueue(2)
    assert list(result.return_value.values()) == ["optimal", "optimal"]
    assert RosterWeek.objects.count() == 2


def test_only_the_coordinator_plans(rules: None, client: Client) -> None:
    sign_in(client, person("sanne"))
    assert client.get(reverse("roster:plan")).status_code == 404
    assert client.post(reverse("roster:plan_run")).status_code == 404
    assert not Shift.objects.exists()


def test_the_coordinator_plans_and_publishes_next_week(rules: None, client: Client) -> None:
    sign_in(client, person("rob"))
    nxt = selectors.week_label(*selectors.horizon(2)[1])
    page = client.post(reverse("roster:plan_run"), {"week": nxt}, follow=True)
    html = page.content.decode()
    assert "Ingepland: aan elke regel is voldaan." in html
    assert "Concept" in html
    page = client.post(reverse("roster:publish"), {"week": nxt}, follow=True)
    assert f"Week {nxt} is gepubliceerd." in page.content.decode()
    assert RosterWeek.objects.get().is_published
    # The parents' page shows published weeks only.
    client.logout()
    public = client.get(reverse("roster:public_centre", args=["pwa"]), {"week": nxt})
    assert "Fatima El Amrani" in public.content.decode()


def test_parents_do_not_see_a_draft(rules: None, client: Client) -> None:
    services.plan_horizon(by=None, weeks=1)
    week = selectors.week_label(*selectors.horizon(1)[0])
    public = client.get(reverse("roster:public_centre", args=["pwa"]), {"week": week})
    assert "Fatima El Amrani" not in public.content.decode()


def test_an_impossible_week_is_explained_with_what_to_change(rules: None, client: Client) -> None:
    RosterRule.objects.filter(code="nurse-pwa").update(amount=2)  # her fixed day is one day
    sign_in(client, person("rob"))
    week = selectors.week_label(*selectors.horizon(1)[0])
    page = client.post(reverse("roster:plan_run"), {"week": week}, follow=True)
    html = page.content.decode()
    assert "Ingepland, maar niet alles past" in html
    assert "Schoolverpleegkundige PWA: 2 dagen nodig, maar Sanne de Vries is maar 1 dag" in html
    assert "Wat je kunt doen:" in html
    assert "Vraag Sanne de Vries om meer beschikbare dagdelen" in html
    assert_valid_except_coverage(*selectors.horizon(1)[0])


def assert_valid_except_coverage(year: int, week: int) -> None:
    problem = selectors.problem_for_week(year, week, stay_close_to_last_week=False)
    shifts = tuple(selectors.to_solver_shift(s) for s in selectors.week_shifts(year, week))
    assert [v.code for v in check(problem, shifts)] == ["coverage"]


def test_the_plan_page_reads_a_bounded_number_of_queries(
    rules: None, client: Client, django_assert_max_num_queries: object
) -> None:
    services.plan_horizon(by=None)
    sign_in(client, person("rob"))
    with django_assert_max_num_queries(15):  # type: ignore[operator]
        page = client.get(reverse("roster:plan"))
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="horizon-week-') == services.HORIZON_WEEKS


def test_a_past_published_week_is_left_alone(rules: None) -> None:
    last = (timezone.localdate() - timedelta(weeks=1)).isocalendar()
    services.plan_week(by=None, iso_year=last[0], iso_week=last[1])
    services.publish_week(by=None, iso_year=last[0], iso_week=last[1])
    before = list(Shift.objects.values_list("pk", flat=True))
    services.plan_week(by=None, iso_year=last[0], iso_week=last[1])
    assert list(Shift.objects.values_list("pk", flat=True)) == before


def test_the_nightly_command_plans_the_horizon_and_prunes_old_bookings(rules: None) -> None:
    from io import StringIO

    from django.core.management import call_command

    from kansrijk.core.models import Location
    from kansrijk.roster.models import Booking

    old = timezone.localdate() - timedelta(days=40)
    Booking.objects.create(
        rule=RosterRule.objects.get(code="debt"),
        location=Location.objects.get(code="pwa"),
        date=old,
        start=timezone.now().time().replace(microsecond=0),
        name="Oud",
        phone="0612345678",
    )
    out = StringIO()
    call_command("roster_plan", horizon=2, stdout=out)
    assert "1 old consultation bookings removed" in out.getvalue()
    assert RosterWeek.objects.count() == 2
    assert not Booking.objects.exists()
    out = StringIO()
    call_command("roster_plan", horizon=1, enqueue=True, stdout=out)  # the immediate backend
    assert "enqueued" in out.getvalue()
