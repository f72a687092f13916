"""The issue's done-criterion in the browser: plan and publish next week, a sick call re-planned
with only what must move, a parent booking debt help, and a parent signed up for the parent room."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kansrijk.core.models import Professional
from kansrijk.notifications.models import Notification
from kansrijk.roster import selectors
from kansrijk.roster.checker import check
from kansrijk.roster.demo import seed_roster_demo
from kansrijk.roster.models import Activity, Booking, Enrolment, RosterWeek, Shift
from tests.auth import sign_in_browser
from tests.factories import PASSWORD


def staff(spec: str) -> Professional:
    person = Professional.objects.get(username=f"rooster.{spec}")
    person.set_password(PASSWORD)
    person.save(update_fields=["password"])
    return person


def week_rows(year: int, week: int) -> set[tuple[object, ...]]:
    days = selectors.solver.week_days(year, week)
    return set(
        Shift.objects.filter(date__range=(days[0], days[-1])).values_list(
            "person", "location", "date", "part"
        )
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_plan_sick_call_booking_and_sign_up(page, browser, live_server) -> None:  # type: ignore[no-untyped-def]
    seed_roster_demo(weeks=1, published=1)
    Booking.objects.all().delete()
    year, week = selectors.horizon(2)[1]
    label = selectors.week_label(year, week)

    def fresh():  # type: ignore[no-untyped-def]
        context = browser.new_context(locale="nl-NL", base_url=live_server.url)
        other = context.new_page()
        other.set_default_timeout(30_000)
        return other

    # The coordinator plans next week, sees it against this week, and publishes it.
    sign_in_browser(page, staff("rob"))
    page.goto(f"/roster/plan/?week={label}")
    expect(page.get_by_test_id("week-status")).to_contain_text("Niet gepland")
    page.get_by_test_id("plan-week").click()
    expect(page.locator("body")).to_contain_text("Ingepland: aan elke regel is voldaan.")
    expect(page.get_by_test_id("changes")).to_be_visible()  # the consultation hours rotated
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("week-status")).to_contain_text("Gepubliceerd")
    assert RosterWeek.objects.get(iso_year=year, iso_week=week).is_published
    before = week_rows(year, week)

    # The nurse reports sick for Tuesday; the re-plan moves only her Tuesday.
    sanne = staff("sanne")
    tuesday = selectors.solver.week_days(year, week)[1]
    nurse = fresh()
    sign_in_browser(nurse, sanne)
    nurse.goto("/roster/absence/")
    nurse.locator("#id_start").fill(tuesday.isoformat())
    nurse.locator("#id_end").fill(tuesday.isoformat())
    nurse.get_by_role("button", name="Melden en herplannen").click()
    takeovers = nurse.get_by_test_id("takeovers")
    expect(takeovers).to_contain_text("Schoolverpleegkundige De Schakel")
    expect(takeovers).to_contain_text("niemand: dit dagdeel is niet gedekt")
    after = week_rows(year, week)
    assert before - after == {r for r in before if r[0] == sanne.pk and r[2] == tuesday}
    assert after <= before
    problem = selectors.problem_for_week(year, week, stay_close_to_last_week=False)
    shifts = tuple(selectors.to_solver_shift(s) for s in selectors.week_shifts(year, week))
    assert [v.detail.split(":")[0] for v in check(problem, shifts)] == ["nurse-schakel"]
    # She sees it: a notification leading to her week without Tuesday.
    note = Notification.objects.get(recipient=sanne)
    nurse.goto("/notifications/")
    expect(nurse.locator("main")).to_contain_text("Je rooster is gewijzigd")
    nurse.goto(note.url)
    expect(nurse.locator("main")).to_contain_text("Prins Willem Alexander")
    expect(nurse.locator("main")).not_to_contain_text("De Schakel")

    # A parent books debt help on the public centre page, without logging in.
    debt = (
        Shift.objects.filter(
            role="debt_help", date__range=selectors.solver.week_days(year, week)[::4]
        )
        .select_related("location")
        .get()
    )
    parent = fresh()
    parent.goto(f"/roster/public/{debt.location.code}/")
    assert debt.rule is not None
    url = reverse(
        "roster:book", args=[debt.location.code, debt.rule.code, debt.date.isoformat(), debt.part]
    )
    parent.get_by_test_id("consultations").locator(f"a[href='{url}']").click()
    expect(parent.get_by_test_id("privacy")).to_contain_text("alleen je naam en telefoonnummer")
    parent.locator("#id_name").fill("Samira Haddou")
    parent.locator("#id_phone").fill("06-12345678")
    parent.locator("#id_privacy").check()
    parent.get_by_role("button", name="Deze tijd boeken").click()
    expect(parent.get_by_test_id("confirmation")).to_contain_text("Spreekuur schuldhulpverlening")
    expect(parent.get_by_test_id("ics")).to_be_visible()
    assert Booking.objects.get().name == "Samira Haddou"

    # The debt-help partner sees it.
    partner = fresh()
    sign_in_browser(partner, staff("marieke"))
    partner.goto("/roster/bookings/")
    expect(partner.get_by_test_id("bookings")).to_contain_text("Samira Haddou")

    # A language worker signs a parent up for the parent room.
    room = Activity.objects.get(code="ouderkamer")
    worker = fresh()
    sign_in_browser(worker, staff("aylin"))
    worker.goto("/roster/activities/")
    worker.locator(f"a[href='/roster/activities/{room.pk}/pwa/']").click()
    worker.locator("#id_name").fill("Hatice Kaya")
    worker.get_by_role("button", name="Aanmelden").click()
    expect(worker.get_by_test_id("enrolled")).to_contain_text("Hatice Kaya")
    assert Enrolment.objects.filter(activity=room, name="Hatice Kaya", status="enrolled").exists()
