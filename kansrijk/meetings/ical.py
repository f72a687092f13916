"""The personal calendar feed (RFC 5545): the meetings one sits in and the due dates of
one's actions. Like the notification mails, it carries no case content: a calendar app on
a phone is outside the login, so actions show only that something is due and where to look."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from kansrijk.cases.models import PlanAction
from kansrijk.core.models import Professional
from kansrijk.meetings.models import Meeting, MeetingAction


def _event(uid: str, summary: str, url: str, stamp: datetime.datetime) -> Event:
    event = Event()
    event.add("uid", f"{uid}@kansrijk")
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("url", f"{settings.KANSRIJK_BASE_URL}{url}")
    return event


def calendar(
    person: Professional,
    meetings: list[Meeting],
    actions: list[MeetingAction],
    plan_actions: list[PlanAction],
) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Kansrijk//Meetings//NL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("Kansrijk meetings and actions of %(name)s") % {"name": person})
    stamp = timezone.now()
    mine = reverse("meetings:my_actions")
    for meeting in meetings:
        event = _event(
            f"meeting-{meeting.pk}",
            meeting.title,
            reverse("meetings:meeting", args=[meeting.pk]),
            stamp,
        )
        event.add("dtstart", timezone.localtime(meeting.starts_at))
        event.add("dtend", timezone.localtime(meeting.ends_at))
        if meeting.location is not None:
            event.add("location", meeting.location.name)
        cal.add_component(event)
    due = [("meeting-action", a.pk, a.due_date) for a in actions]
    due += [("plan-action", a.pk, a.due_date) for a in plan_actions if a.due_date is not None]
    for kind, pk, day in due:
        event = _event(f"{kind}-{pk}", _("Action due (see My actions)"), mine, stamp)
        event.add("dtstart", day)
        event.add("dtend", day + datetime.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
