"""Calendar feeds (RFC 5545) of shifts, for a person's or a centre's agenda app."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from kansrijk.roster.models import PART_HOURS, Booking, Function, Shift
from kansrijk.roster.selectors import SLOT_MINUTES


def calendar(name: str, shifts: Iterable[Shift], *, names: set[int] | None = None) -> bytes:
    """One VEVENT per shift. ``names`` limits whose names appear (``None``: everyone's)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    cal = Calendar()
    cal.add("prodid", "-//Kansrijk//Roster//NL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    stamp = timezone.now()
    for shift in shifts:
        start, end = PART_HOURS[shift.part]
        role = str(Function(shift.role).label) if shift.role in Function.values else shift.role
        who = str(shift.person) if names is None or shift.person_id in names else ""
        event = Event()
        event.add("uid", f"roster-shift-{shift.pk}@kansrijk")
        event.add("dtstamp", stamp)
        event.add("dtstart", datetime.combine(shift.date, start, tzinfo=zone))
        event.add("dtend", datetime.combine(shift.date, end, tzinfo=zone))
        event.add("summary", f"{role}: {who}" if who else role)
        event.add("location", shift.location.name)
        event.add("description", _("Presence at %(location)s") % {"location": shift.location.name})
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def booking_calendar(booking: Booking) -> bytes:
    """One appointment in a consultation hour, for the parent's agenda."""
    zone = ZoneInfo(settings.TIME_ZONE)
    cal = Calendar()
    cal.add("prodid", "-//Kansrijk//Spreekuur//NL")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    start = datetime.combine(booking.date, booking.start, tzinfo=zone)
    what = booking.rule.label
    event = Event()
    event.add("uid", f"booking-{booking.token[:16]}@kansrijk")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=SLOT_MINUTES))
    event.add("summary", f"{what} ({booking.location.name})")
    event.add("location", booking.location.name)
    event.add(
        "description",
        _("Your appointment at the consultation hour. Cannot come? Call the centre."),
    )
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
