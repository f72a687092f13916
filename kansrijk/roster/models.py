"""Roster data: the rules to plan, people's availability and absences, and the planned shifts."""

from __future__ import annotations

import secrets
from datetime import time

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansrijk.access.roles import Role
from kansrijk.core.models import Location


class Part(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")


#: The clock times of a half-day, for the public page and the calendar feeds.
PART_HOURS: dict[str, tuple[time, time]] = {
    Part.MORNING: (time(8, 30), time(12, 30)),
    Part.AFTERNOON: (time(13, 0), time(17, 0)),
}


class Function(models.TextChoices):
    """What a rule asks for: a membership role, or a partner function that has no role (yet)."""

    SCHOOL_NURSE = Role.SCHOOL_NURSE.value, Role.SCHOOL_NURSE.label
    FAMILY_SPECIALIST = Role.FAMILY_SPECIALIST.value, Role.FAMILY_SPECIALIST.label
    PSYCHOLOGIST = Role.PSYCHOLOGIST.value, Role.PSYCHOLOGIST.label
    DISTRICT_TEAM = Role.DISTRICT_TEAM.value, Role.DISTRICT_TEAM.label
    COMMUNITY_OFFICER = Role.COMMUNITY_OFFICER.value, Role.COMMUNITY_OFFICER.label
    EDUCATION_SPECIALIST = Role.EDUCATION_SPECIALIST.value, Role.EDUCATION_SPECIALIST.label
    COORDINATOR = Role.COORDINATOR.value, Role.COORDINATOR.label
    BEHAVIOURAL_SCIENTIST = Role.BEHAVIOURAL_SCIENTIST.value, Role.BEHAVIOURAL_SCIENTIST.label
    LANGUAGE_WORKER = "language_worker", _("Language and parent-room worker")
    AFTER_SCHOOL = "after_school", _("After-school activities")
    HOUSING = "housing", _("Housing association consultation")
    DEBT_HELP = "debt_help", _("Debt help consultation")
    FORMS_HELP = "forms_help", _("Forms help consultation")


class Unit(models.TextChoices):
    DAY = "day", _("Day")
    HALF_DAY = "half_day", _("Half-day")


class Parts(models.TextChoices):
    BOTH = "both", _("Morning or afternoon")
    MORNING = "morning", _("Mornings only")
    AFTERNOON = "afternoon", _("Afternoons only")


class RosterRule(models.Model):
    """A presence requirement planned every week (seed 000): "family specialist PWA, 4 days"."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    label = models.CharField(_("label"), max_length=200)
    function = models.CharField(_("function"), max_length=40, choices=Function.choices)
    locations = models.ManyToManyField(
        Location, related_name="roster_rules", verbose_name=_("locations")
    )
    amount = models.PositiveSmallIntegerField(_("amount per week"))
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.DAY)
    parts = models.CharField(
        _("half-days"), max_length=10, choices=Parts.choices, default=Parts.BOTH
    )
    weekdays = models.CharField(
        _("weekdays"),
        max_length=20,
        blank=True,
        help_text=_("Comma-separated, 0 is Monday; empty is any day."),
    )
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("named people")
    )
    stand_ins = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("stand-ins"),
        help_text=_("Back-ups who fill in at these locations when the regular people cannot."),
    )
    fixed = models.BooleanField(
        _("fixed time"),
        default=False,
        help_text=_("The weekdays and half-days are fixed (a nurse's fixed day); shown as fixed."),
    )
    rotation = models.BooleanField(_("rotates over the locations week by week"), default=False)
    rotation_offset = models.PositiveSmallIntegerField(_("rotation offset"), default=0)
    max_concurrent = models.PositiveSmallIntegerField(_("at the same time at most"), default=1)
    distinct_days = models.BooleanField(_("on different days"), default=False)
    needs_room = models.BooleanField(_("needs a room"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("roster rule")
        verbose_name_plural = _("roster rules")

    def __str__(self) -> str:
        return self.label


class Availability(models.Model):
    """A professional's contract, regular availability, wishes and consent for the roster."""

    professional = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roster_availability"
    )
    hours_per_week = models.PositiveSmallIntegerField(_("contract hours per week"), default=40)
    days_off = models.CharField(_("days off"), max_length=20, blank=True)
    #: Regular half-days as "0m,0a,1m,…" (weekday + m/a); empty means every half-day.
    half_days = models.CharField(_("available half-days"), max_length=60, blank=True)
    preferred_days = models.CharField(_("preferred days"), max_length=20, blank=True)
    #: Partner functions this person fills in addition to their membership roles.
    functions = models.CharField(_("extra functions"), max_length=200, blank=True)
    #: Where this person is rostered; empty means anywhere (a family specialist: own centre).
    locations = models.ManyToManyField(
        Location, blank=True, related_name="+", verbose_name=_("works at")
    )
    public_name = models.BooleanField(
        _("name may be shown on public pages"),
        default=False,
        help_text=_("Only with the professional's consent; otherwise parents see the role only."),
    )

    class Meta:
        verbose_name = _("availability")
        verbose_name_plural = _("availabilities")

    def __str__(self) -> str:
        return str(self.professional)


class Absence(models.Model):
    """Sickness, leave or training; registering one re-plans the weeks it falls in."""

    class Kind(models.TextChoices):
        SICK = "sick", _("Sick")
        LEAVE = "leave", _("Leave")
        TRAINING = "training", _("Training")
        SWAP = "swap", _("Swap approved by the coordinator")

    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roster_absences"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SICK)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    start = models.DateField(_("from"))
    start_part = models.CharField(
        _("from half-day"), max_length=10, choices=Part.choices, default=Part.MORNING
    )
    end = models.DateField(_("until"))
    end_part = models.CharField(
        _("until half-day"), max_length=10, choices=Part.choices, default=Part.AFTERNOON
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")

    def __str__(self) -> str:
        return f"{self.professional} {self.start} - {self.end}"


class LocationRooms(models.Model):
    """How many rooms a location can give to rostered activities per half-day."""

    location = models.OneToOneField(Location, on_delete=models.CASCADE, related_name="roster_rooms")
    rooms = models.PositiveSmallIntegerField(_("rooms per half-day"), default=2)

    class Meta:
        verbose_name = _("rooms")
        verbose_name_plural = _("rooms")

    def __str__(self) -> str:
        return f"{self.location}: {self.rooms}"


class Shift(models.Model):
    """One professional at one location for one half-day."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roster_shifts"
    )
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="roster_shifts")
    rule = models.ForeignKey(
        RosterRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="shifts"
    )
    role = models.CharField(_("function"), max_length=40, choices=Function.choices)
    date = models.DateField(_("date"), db_index=True)
    part = models.CharField(_("half-day"), max_length=10, choices=Part.choices)

    class Meta:
        ordering = ["date", "location", "role"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "date", "part"], name="roster_shift_one_place"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.location} {self.date} {self.part}"

    @property
    def is_fixed(self) -> bool:
        """On a fixed day or half-day (select the rule with the shift to read this cheaply)."""
        return self.rule is not None and self.rule.fixed


def new_token() -> str:
    return secrets.token_urlsafe(32)


class FeedToken(models.Model):
    """The secret in a personal calendar-feed address; revoking it kills that address."""

    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roster_feed_tokens"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self) -> str:
        return f"{self.professional} feed"


class RosterWeek(models.Model):
    """The state of one planned week: a draft the coordinator can re-plan freely, or published.

    A published week is what staff and parents rely on, so it changes only through a re-plan that
    keeps as much of it as it can. The solver's explanation of what could not be planned is kept
    as message codes, so the page shows it in the reader's language.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    iso_year = models.PositiveSmallIntegerField(_("year"))
    iso_week = models.PositiveSmallIntegerField(_("week"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    solver_status = models.CharField(_("solver result"), max_length=20, blank=True)
    #: Unmet requirements as {rule code: missing units}.
    shortfalls = models.JSONField(default=dict, blank=True)
    #: The solver's explanations as [{"code", "requirement", "params"}] (solver.explain).
    explanations = models.JSONField(default=list, blank=True)
    planned_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["iso_year", "iso_week"]
        verbose_name = _("roster week")
        verbose_name_plural = _("roster weeks")
        constraints = [
            models.UniqueConstraint(fields=["iso_year", "iso_week"], name="roster_week_unique")
        ]

    def __str__(self) -> str:
        return f"{self.iso_year}-W{self.iso_week:02d}"

    @property
    def label(self) -> str:
        return str(self)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class SwapRequest(models.Model):
    """A professional asks not to work one rostered half-day; the coordinator decides.

    Approving records the half-day as an absence and re-plans the week with few changes, so the
    solver finds who takes over (or explains why nobody can).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the coordinator")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    shift = models.ForeignKey(
        Shift, on_delete=models.SET_NULL, null=True, blank=True, related_name="swap_requests"
    )
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roster_swap_requests"
    )
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("date"))
    part = models.CharField(_("half-day"), max_length=10, choices=Part.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "part", "pk"]
        verbose_name = _("swap request")
        verbose_name_plural = _("swap requests")

    def __str__(self) -> str:
        return f"{self.professional} {self.date} {self.part}"


class Activity(models.Model):
    """An activity held in rostered sessions (seed 000): language lessons, VVE language support,
    low-literacy help, the parent room and the after-school programme.

    Its sessions are the shifts of its roster rule on its weekdays and half-days, so the roster
    decides when and where it takes place and who leads it.
    """

    class Kind(models.TextChoices):
        LANGUAGE_LESSON = "language_lesson", _("Dutch language lessons")
        VVE = "vve", _("VVE language support")
        LITERACY = "literacy", _("Help with reading and writing")
        PARENT_ROOM = "parent_room", _("Parent room")
        AFTER_SCHOOL = "after_school", _("After-school programme")

    class Audience(models.TextChoices):
        CHILDREN = "children", _("Children")
        PARENTS = "parents", _("Parents")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    audience = models.CharField(_("for"), max_length=10, choices=Audience.choices)
    rule = models.ForeignKey(
        RosterRule,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("roster rule"),
    )
    weekdays = models.CharField(_("weekdays"), max_length=20, blank=True)
    parts = models.CharField(
        _("half-days"), max_length=10, choices=Parts.choices, default=Parts.BOTH
    )
    capacity = models.PositiveSmallIntegerField(_("places per centre"), default=12)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    """A child or parent signed up for an activity at a centre, or on its waiting list."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Signed up")
        WAITING = "waiting", _("Waiting list")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="enrolments")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(default=timezone.now)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        indexes = [models.Index(fields=["activity", "location", "status"])]

    def __str__(self) -> str:
        return f"{self.name} · {self.activity}"


class Attendance(models.Model):
    """Whether a signed-up person came to one session."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    date = models.DateField(_("date"))
    part = models.CharField(_("half-day"), max_length=10, choices=Part.choices)
    present = models.BooleanField(_("present"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "date", "part"], name="roster_attendance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} {self.date} {self.part}"


#: Functions whose rostered half-days are consultation hours parents can book (seed 000).
CONSULTATION_FUNCTIONS = (Function.HOUSING, Function.DEBT_HELP, Function.FORMS_HELP)


class Booking(models.Model):
    """A parent's appointment in a consultation hour, booked on the public centre page.

    Only a name and a phone number, no login; the secret token is the address of the
    confirmation and its calendar file. ``client_hash`` (a keyed hash of the address the booking
    came from, never the address itself) lets the service refuse a flood of bookings.
    """

    rule = models.ForeignKey(RosterRule, on_delete=models.PROTECT, related_name="bookings")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    start = models.TimeField(_("time"))
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30)
    token = models.CharField(max_length=64, unique=True, default=new_token)
    client_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "start"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "location", "date", "start"], name="roster_booking_one_per_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.location} {self.date} {self.start}"
