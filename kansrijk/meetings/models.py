"""The weekly care meeting (seed 000) and the support-team meeting, VOT (seed 001).

"Little meeting, little paperwork, ACTION": a meeting has a generated agenda, and per item
one line of decision, actions with an owner and a due date, and the next step of the case.
The minutes are made from those rows; there is nothing else to write.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansrijk.cases.models import Case, PlanAction, Step
from kansrijk.core.models import Location


class MeetingKind(models.TextChoices):
    CARE_MEETING = "care_meeting", _("Weekly care meeting")
    SUPPORT_TEAM_MEETING = "support_team_meeting", _("Support-team meeting (VOT)")


class WithoutConsent(models.TextChoices):
    """What the agenda does with a case whose consent does not cover everyone present."""

    ANONYMISE = "anonymise", _("Show without identifying data (age and school only)")
    LEAVE_OUT = "leave_out", _("Leave it out of the meeting")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")


class MeetingSeries(models.Model):
    """A recurring meeting: the weekly care meeting, or one school's VOT at its own rhythm."""

    kind = models.CharField(_("kind"), max_length=30, choices=MeetingKind.choices)
    name = models.CharField(_("name"), max_length=200)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="chaired_series",
        verbose_name=_("chair"),
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_series",
        verbose_name=_("school"),
        help_text=_("The school of a support-team meeting."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="meeting_series",
        blank=True,
        verbose_name=_("members"),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("start time"))
    every_weeks = models.PositiveSmallIntegerField(_("every so many weeks"), default=1)
    duration_minutes = models.PositiveSmallIntegerField(_("time box (minutes)"), default=60)
    starts_on = models.DateField(_("first meeting on or after"), default=timezone.localdate)
    without_consent = models.CharField(
        _("cases without consent for everyone present"),
        max_length=20,
        choices=WithoutConsent.choices,
        default=WithoutConsent.ANONYMISE,
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")

    series = models.ForeignKey(
        MeetingSeries, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("school"),
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="chaired_meetings",
        verbose_name=_("chair"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("time box (minutes)"), default=60)
    without_consent = models.CharField(
        max_length=20, choices=WithoutConsent.choices, default=WithoutConsent.ANONYMISE
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.PLANNED)
    agenda_built_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(fields=["series", "starts_at"], name="meeting_once_per_slot")
        ]
        indexes = [models.Index(fields=["series", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)


class Participant(models.Model):
    """Who sits at the table: the series' members, and invitees for one meeting."""

    class Kind(models.TextChoices):
        CHAIR = "chair", _("Chair")
        MEMBER = "member", _("Member")
        INVITEE = "invitee", _("Invitee")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_participations"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "professional"], name="participant_once")
        ]

    def __str__(self) -> str:
        return f"{self.professional} ({self.kind})"


class AgendaItem(models.Model):
    """One case (or a topic the chair added) on a meeting's agenda, with why it is there."""

    class Reason(models.TextChoices):
        PRIORITY_1 = "priority_1", _("Priority 1: safety first")
        NEW_SIGNAL = "new_signal", _("New signal since the last meeting")
        ESCALATED = "escalated", _("Escalated since the last meeting")
        NEW_ON_LIST = "new_on_list", _("New on the attention list")
        STALLED = "stalled", _("No step for a long time")
        OVERDUE_ACTION = "overdue_action", _("An action is overdue")
        EVALUATION_DUE = "evaluation_due", _("The evaluation date has passed")
        AGREEMENT_REVIEW_DUE = (
            "agreement_review_due",
            _("An agreement about school is due for review"),
        )
        ADDED_BY_CHAIR = "added_by_chair", _("Added by the chair")
        RENEWAL_DUE = "renewal_due", _("An integrated arrangement is up for renewal")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    # A case that is erased (retention) takes its agenda items and actions with it.
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="agenda_items"
    )
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    decision = models.CharField(_("decision"), max_length=300, blank=True)
    step = models.ForeignKey(
        Step, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    running_since = models.DateTimeField(null=True, blank=True)
    seconds_spent = models.PositiveIntegerField(default=0)
    #: In the time box (discussed at the table) or in the list to pull in (meetings.timebox).
    on_table = models.BooleanField(default=True)
    #: The chair put it on or off the table; rebuilding the agenda keeps that choice.
    placed_by_chair = models.BooleanField(default=False)
    #: The minutes the time box gives the item.
    allotted_minutes = models.PositiveSmallIntegerField(default=5)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "case"],
                condition=models.Q(case__isnull=False),
                name="agenda_case_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}.{self.position}"

    def seconds_at(self, now: datetime.datetime) -> int:
        """Time spent on the item so far, the running stretch included."""
        running = int((now - self.running_since).total_seconds()) if self.running_since else 0
        return self.seconds_spent + max(running, 0)


class MeetingAction(models.Model):
    """An action agreed in a meeting: one owner, one due date."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="actions")
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="meeting_actions"
    )
    description = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="meeting_actions",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"))
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["owner", "done", "due_date"])]

    def __str__(self) -> str:
        return self.description


class ReminderSent(models.Model):
    """One reminder mailed about one action, so the daily task never sends it twice."""

    class When(models.TextChoices):
        BEFORE = "before", _("Before the due date")
        AFTER = "after", _("After the due date")

    meeting_action = models.ForeignKey(
        MeetingAction, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    plan_action = models.ForeignKey(
        PlanAction, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    when = models.CharField(max_length=10, choices=When.choices)
    due_date = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting_action", "when", "due_date"],
                condition=models.Q(meeting_action__isnull=False),
                name="reminder_once_meeting",
            ),
            models.UniqueConstraint(
                fields=["plan_action", "when", "due_date"],
                condition=models.Q(plan_action__isnull=False),
                name="reminder_once_plan",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.when} {self.due_date}"
