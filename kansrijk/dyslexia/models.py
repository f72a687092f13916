"""The dyslexia file (programme line 4, seed 002): the school's case for reimbursed care for
severe dyslexia (EED), assessed by the SWV's gatekeeper against the criteria of the Protocol
Dyslexie Diagnostiek en Behandeling 3.0 (NKD, 2021); see docs/dyslexia.md."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kansrijk.cases.models import Child
from kansrijk.core.models import Location, Organisation


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    MORE_INFORMATION = "more_information", _("More information asked")
    UNDER_REVIEW = "under_review", _("Complete, under review")
    REFERRED = "referred", _("Referred")
    NOT_REFERRED = "not_referred", _("Not referred")
    WITHDRAWN = "withdrawn", pgettext_lazy("dyslexia file", "Withdrawn")


#: The states in which the school may still change its file.
SCHOOL_EDITS = frozenset({Status.DRAFT, Status.MORE_INFORMATION})
#: The states in which the gatekeeper has the file on the work list.
WITH_GATEKEEPER = frozenset({Status.SUBMITTED, Status.UNDER_REVIEW})
DECIDED = frozenset({Status.REFERRED, Status.NOT_REFERRED})


class IqIndication(models.TextChoices):
    AVERAGE_OR_ABOVE = "average_or_above", _("No indication of below-average intelligence")
    BELOW_AVERAGE = "below_average", _("Indication of below-average intelligence")
    UNKNOWN = "unknown", _("Not known")


class Absence(models.TextChoices):
    NORMAL = "normal", _("No notable school absence")
    NOTABLE = "notable", _("Notable school absence or changes of school")


class DyslexiaFile(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="dyslexia_files")
    school = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="dyslexia_files", verbose_name=_("school")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Exclusion of other causes (PDDB 3.0 §2.4.1: the school file).
    hearing_checked = models.BooleanField(_("hearing checked"), null=True, blank=True)
    vision_checked = models.BooleanField(_("vision checked"), null=True, blank=True)
    iq_indication = models.CharField(
        _("indication of intelligence"), max_length=20, choices=IqIndication.choices, blank=True
    )
    absence = models.CharField(
        _("school absence"), max_length=20, choices=Absence.choices, blank=True
    )
    other_causes = models.TextField(
        _("other possible causes, and why they are excluded"), blank=True
    )
    # Lead times and the monitor.
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    times_submitted = models.PositiveSmallIntegerField(default=0)
    #: Did the automatic check pass all criteria at the first submission? (monitor)
    complete_at_first_submission = models.BooleanField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dyslexia_referrals",
        verbose_name=_("dyslexia care provider"),
    )
    municipality = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dyslexia_decisions",
        verbose_name=_("municipality"),
    )
    reason = models.TextField(_("reason"), blank=True)
    advice = models.TextField(_("advice to the school"), blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dyslexia file")
        verbose_name_plural = _("dyslexia files")
        indexes = [
            models.Index(fields=["school", "status"]),
            models.Index(fields=["provider", "status"]),
            models.Index(fields=["municipality", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.child_id}: {self.get_status_display()}"


class Measurement(models.Model):
    class Test(models.TextChoices):
        DMT = "dmt", _("DMT (word reading)")
        AVI = "avi", _("AVI (text reading)")
        PI_DICTEE = "pi_dictee", _("PI-dictee (spelling)")
        CITO_SPELLING = "cito_spelling", _("Cito spelling")
        OTHER = "other", _("Another standardised test")

    class Skill(models.TextChoices):
        READING = "reading", _("Reading")
        SPELLING = "spelling", _("Spelling")

    file = models.ForeignKey(DyslexiaFile, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField(_("date"))
    test = models.CharField(_("test"), max_length=20, choices=Test.choices)
    skill = models.CharField(_("reading or spelling"), max_length=10, choices=Skill.choices)
    score = models.CharField(_("score"), max_length=30, blank=True)
    percentile = models.PositiveSmallIntegerField(_("percentile"))
    level = models.CharField(_("level"), max_length=20, blank=True)

    class Meta:
        ordering = ["measured_on", "id"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")

    def __str__(self) -> str:
        return f"{self.get_test_display()} {self.measured_on}: P{self.percentile}"


class SupportPeriod(models.Model):
    """A period of intensive extra guidance at level 3 of the support continuum."""

    file = models.ForeignKey(DyslexiaFile, on_delete=models.CASCADE, related_name="support")
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"))
    approach = models.TextField(_("what was done"))
    minutes_per_week = models.PositiveSmallIntegerField(_("minutes per week"))
    result = models.TextField(_("result"))

    class Meta:
        ordering = ["started_on", "id"]
        verbose_name = _("support period")
        verbose_name_plural = _("support periods")

    def __str__(self) -> str:
        return f"{self.started_on} – {self.ended_on}"

    @property
    def weeks(self) -> int:
        return (self.ended_on - self.started_on).days // 7


class Question(models.Model):
    """The gatekeeper asks the school for what is missing; the school answers."""

    file = models.ForeignKey(DyslexiaFile, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(_("question"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]
        verbose_name = _("question to the school")
        verbose_name_plural = _("questions to the school")

    def __str__(self) -> str:
        return self.text[:50]
