"""The attention list as it is kept (seed 001): the SWV specialist makes the list of pupils who
need extra attention with the IB of each school and shares it with the family specialist.

An entry stands for one case at one school: the route puts a case on the list when it reaches
the attention-list state, the IB or SWV puts one there by hand with a reason, and either sets
what the pupil needs. Who sees an entry is who may see its case (access.matrix), so consent
withdrawn takes the pupil off every partner's list at once. Every change leaves a row in the
school's history; the family specialist's last visit marks what is new for them.

Also kept here: the agreements about a vulnerable child at school (seed 001, "Afspraak 1").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kansrijk.cases.models import Case
from kansrijk.core.models import Location


class Need(models.TextChoices):
    """What the pupil needs extra attention in (seed 001: 'op zorg en/of onderwijs')."""

    CARE = "care", _("Care")
    EDUCATION = "education", _("Education")
    BOTH = "both", _("Care and education")


class AttentionEntry(models.Model):
    class Source(models.TextChoices):
        ROUTE = "route", _("From the route (consent given)")
        ADDED = "added", _("Added by hand")

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="+", verbose_name=_("location")
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="attention_entries", verbose_name=_("case")
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    need = models.CharField(
        _("what the pupil needs"),
        max_length=10,
        choices=Need.choices,
        blank=True,
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(default=timezone.now, verbose_name=_("added at"))
    changed_at = models.DateTimeField(default=timezone.now, verbose_name=_("changed at"))
    removed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("removed at"))
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("removed by"),
    )
    removed_reason = models.CharField(
        max_length=500, blank=True, verbose_name=_("reason for removal")
    )

    class Meta:
        ordering = ["-added_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "location"],
                condition=Q(removed_at__isnull=True),
                name="attention_one_active_entry_per_case",
            )
        ]

    def __str__(self) -> str:
        return gettext("Case %(number)s") % {"number": self.case_id}


class AttentionChange(models.Model):
    """One line of a school's history: who changed what on the list, and when."""

    class Kind(models.TextChoices):
        ADDED = "added", _("put on the list")
        NEED = "need", _("set what the pupil needs")
        REMOVED = "removed", _("took off the list")

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="+", verbose_name=_("location")
    )
    entry = models.ForeignKey(
        AttentionEntry, on_delete=models.CASCADE, related_name="changes", verbose_name=_("entry")
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, verbose_name=_("kind"))
    detail = models.CharField(max_length=500, blank=True, verbose_name=_("detail"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    role = models.CharField(max_length=30, verbose_name=_("role"))
    at = models.DateTimeField(default=timezone.now, verbose_name=_("when"))

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["location", "-at"], name="attention_change_history")]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.kind}"


class AttentionVisit(models.Model):
    """When a professional last opened a school's list: what changed after it is new to them."""

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="+", verbose_name=_("location")
    )
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("professional"),
    )
    seen_at = models.DateTimeField(verbose_name=_("last visit"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["location", "professional"], name="attention_one_visit_per_list"
            )
        ]

    def __str__(self) -> str:
        return f"{self.location_id}: {self.professional_id}"


class SchoolAgreement(models.Model):
    """Seed 001, Afspraak 1: a vulnerable child is welcome at school when the school and the
    district team agree how many hours a week, who guides the child there, and when they look
    again. It ends with a result."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="school_agreements", verbose_name=_("case")
    )
    hours_per_week = models.PositiveSmallIntegerField(_("hours at school per week"))
    guided_by = models.CharField(_("who guides the child at school"), max_length=200)
    parents_present = models.BooleanField(_("parents present"), default=False)
    review_on = models.DateField(_("review date"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("made by"),
    )
    made_at = models.DateTimeField(default=timezone.now, verbose_name=_("made at"))
    ended_at = models.DateTimeField(null=True, blank=True, verbose_name=_("ended at"))
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("ended by"),
    )
    result = models.CharField(_("result"), max_length=500, blank=True)

    class Meta:
        ordering = ["-made_at", "-id"]

    def __str__(self) -> str:
        return f"case {self.case_id}: {self.hours_per_week} h"
