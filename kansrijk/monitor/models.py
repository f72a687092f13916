"""The monitor's own data: computed snapshots of the figures, and parents' experience answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansrijk.cases.models import Case
from kansrijk.core.made_files import MadeFileStatus

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

#: The short question set put to parents after a case is closed (score 1-5 each).
QUESTIONS: tuple[tuple[str, _StrPromise], ...] = (
    ("knew_contact", _("We knew who our one contact person was.")),
    ("listened", _("We were listened to and taken seriously.")),
    ("in_time", _("The help came in time.")),
    ("fitted", _("The help fitted our family.")),
    ("overall", _("Overall, how satisfied are you?")),
)
SCORES = [MinValueValidator(1), MaxValueValidator(5)]


class MonitorSnapshot(models.Model):
    """The suppressed figures of one period, computed by a task and read by the pages.

    Holds aggregates only, already protected by the small-numbers rule: no child, family
    or professional can be read from it.
    """

    period_start = models.DateField()
    period_end = models.DateField()
    computed_at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("monitor snapshot")
        verbose_name_plural = _("monitor snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["period_start", "period_end"], name="monitor_snapshot_period_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period_start}-{self.period_end}"


class ReportFile(models.Model):
    """A quarter report as PDF for one audience's centres and language, made by a task from
    the period's snapshot: WeasyPrint lays out a region's 106 pages in ~15 s, so a request only
    asks for it and hands it out once made (monitor.services.report_file_request). Aggregates
    only, like the snapshot; everyone with the same centres gets the same file."""

    Status = MadeFileStatus

    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    #: "region", or the SHA-256 of the sorted ids of the centres shown (monitor.audience).
    audience = models.CharField(max_length=64)
    #: The centres shown one by one; null: every centre of the region.
    centres = models.JSONField(null=True, blank=True)
    language = models.CharField(max_length=10)
    #: When the snapshot it was made from was computed (None: never made yet); a newer
    #: snapshot makes it again, and until then this one is handed out.
    computed_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    content = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("quarter report file")
        verbose_name_plural = _("quarter report files")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter", "audience", "language"], name="monitor_report_file"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} Q{self.quarter} ({self.audience[:8]}, {self.language})"


class ExperienceResponse(models.Model):
    """A family's answers to the short question set, after an evaluation or at closing.

    One per case and moment. The comment is personal data: the monitor counts comments, and only the
    coordinator reads them, without names.
    """

    class Moment(models.TextChoices):
        EVALUATION = "evaluation", _("After an evaluation")
        CLOSING = "closing", _("At closing")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="experiences")
    #: When the family was asked: after the evaluation in the support-team meeting (in the
    #: family portal) or at closing. At most one answer per case and moment.
    moment = models.CharField(
        _("moment"), max_length=12, choices=Moment.choices, default=Moment.CLOSING
    )
    knew_contact = models.PositiveSmallIntegerField(QUESTIONS[0][1], validators=SCORES)
    listened = models.PositiveSmallIntegerField(QUESTIONS[1][1], validators=SCORES)
    in_time = models.PositiveSmallIntegerField(QUESTIONS[2][1], validators=SCORES)
    fitted = models.PositiveSmallIntegerField(QUESTIONS[3][1], validators=SCORES)
    overall = models.PositiveSmallIntegerField(QUESTIONS[4][1], validators=SCORES)
    comment = models.TextField(_("comment"), blank=True)
    #: Empty when the family answered in the portal themselves.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("experience answer")
        verbose_name_plural = _("experience answers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    knew_contact__range=(1, 5),
                    listened__range=(1, 5),
                    in_time__range=(1, 5),
                    fitted__range=(1, 5),
                    overall__range=(1, 5),
                ),
                name="experience_scores_1_to_5",
            ),
            models.UniqueConstraint(fields=["case", "moment"], name="experience_once_per_moment"),
        ]

    def __str__(self) -> str:
        return _("Experience answer %(number)s") % {"number": self.pk}
