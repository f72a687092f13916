"""Consultation hours: parents book on the public page without a login; the partner sees it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from kansrijk.core.models import Professional
from kansrijk.roster import services
from kansrijk.roster.demo import seed_roster_demo
from kansrijk.roster.models import Booking, Shift
from tests.auth import sign_in
from tests.module_data import module_data

pytestmark = pytest.mark.django_db


_demo = module_data(lambda: seed_roster_demo(weeks=2, published=2))


@pytest.fixture
def debt_hour(_demo: None, db: None) -> Shift:
    """The demo (built once for the module, tests/module_data.py) without its own bookings,
    and the coming published debt-help hour."""
    Booking.objects.all().delete()
    shift = (
        Shift.objects.filter(role="debt_help", date__gt=timezone.localdate())
        .select_related("location", "rule")
        .order_by("date")
        .first()
    )
    assert shift is not None
    return shift


def book_url(shift: Shift) -> str:
    assert shift.rule is not None
    return reverse(
        "roster:book",
        args=[shift.location.code, shift.rule.code, shift.date.isoformat(), shift.part],
    )


def form(start: str = "", **extra: str) -> dict[str, str]:
    return {
        "start": start,
        "name": "Samira Haddou",
        "phone": "06-12345678",
        "privacy": "on",
        **extra,
    }


def test_a_parent_books_debt_help_and_the_partner_sees_it(debt_hour: Shift, client: Client) -> None:
    public = client.get(reverse("roster:public_centre", args=[debt_hour.location.code]))
    html = public.content.decode()
    assert "Spreekuur schuldhulpverlening" in html and book_url(debt_hour) in html
    page = client.get(book_url(debt_hour))
    assert page.status_code == 200
    assert "We vragen alleen je naam en telefoonnummer" in page.content.decode()
    start = "09:10:00" if debt_hour.part == "morning" else "13:40:00"
    response = client.post(book_url(debt_hour), form(start))
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert response["Location"] == reverse("roster:booking", args=[booking.token])
    confirmation = client.get(response["Location"]).content.decode()
    assert "Je afspraak staat" in confirmation
    ics = client.get(reverse("roster:booking_ics", args=[booking.token]))
    (event,) = Calendar.from_ical(ics.content).walk("VEVENT")
    assert event.decoded("dtstart").strftime("%H:%M:%S") == start
    assert "Spreekuur schuldhulpverlening" in str(event.get("summary"))
    # The partner sees it; a colleague without the role does not.
    sign_in(client, Professional.objects.get(username="rooster.marieke"))
    page = client.get(reverse("roster:bookings"))
    assert "Samira Haddou" in page.content.decode() and "06-12345678" in page.content.decode()
    sign_in(client, Professional.objects.get(username="rooster.peter"))  # housing
    assert "Samira Haddou" not in client.get(reverse("roster:bookings")).content.decode()
    sign_in(client, Professional.objects.get(username="rooster.sanne"))
    assert client.get(reverse("roster:bookings")).status_code == 404
    # The booked time is gone from the form; the other times stay for walk-in or booking.
    client.logout()
    again = client.post(book_url(debt_hour), form(start, phone="06-87654321"))
    assert again.status_code == 400
    assert Booking.objects.count() == 1


def test_bad_input_keeps_what_was_typed(debt_hour: Shift, client: Client) -> None:
    start = "08:30:00" if debt_hour.part == "morning" else "13:00:00"
    page = client.post(book_url(debt_hour), form(start, privacy=""))
    assert page.status_code == 400
    html = page.content.decode()
    assert "Vink aan dat je de privacyverklaring hebt gelezen." in html
    assert "Samira Haddou" in html
    assert not Booking.objects.exists()


def test_a_script_filling_every_field_books_nothing(debt_hour: Shift, client: Client) -> None:
    start = "08:30:00" if debt_hour.part == "morning" else "13:00:00"
    client.post(book_url(debt_hour), form(start, website="http://spam.example"))
    assert not Booking.objects.exists()


def test_a_flood_of_bookings_is_refused(debt_hour: Shift, client: Client) -> None:
    free = [
        t.isoformat()
        for t in services.selectors.consultation(
            debt_hour.location, "debt", debt_hour.date, debt_hour.part
        ).free  # type: ignore[union-attr]
    ]
    answers = [
        client.post(book_url(debt_hour), form(t, phone=f"06-1234567{i}")).status_code
        for i, t in enumerate(free[:6])
    ]
    assert answers == [302] * 5 + [429]
    assert Booking.objects.count() == services.BOOKINGS_PER_HOUR


def test_the_bookings_page_reads_a_bounded_number_of_queries(
    debt_hour: Shift, client: Client, django_assert_max_num_queries: object
) -> None:
    seed_roster_demo(weeks=2, published=2)  # its bookings again
    sign_in(client, Professional.objects.get(username="rooster.rob"))
    with django_assert_max_num_queries(15):  # type: ignore[operator]
        page = client.get(reverse("roster:bookings"))
    assert page.content.decode().count("<tr") == Booking.objects.count() + 1
