"""Programme line 3 (seed 002, issue 16): youth care integrated in S(B)O and VSO.

About 65 % of the pupils of special schools also get youth care on the municipality's
indication. An integrated arrangement puts the school's development perspective (OPP) and
that youth care in one package per pupil: one coordinator for the family, one plan both
sides write in, one evaluation date, with the parents' consent for the joint team.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansrijk.cases.models import Case, Child
from kansrijk.core.models import Location, Organisation


class SpecialSchool(models.Model):
    """What kind of special school a location of kind `special_school` is."""

    class Type(models.TextChoices):
        SBO = "sbo", _("SBO (special primary education)")
        SO = "so", _("SO (special education)")
        VSO = "vso", _("VSO (secondary special education)")

    location = models.OneToOneField(
        Location,
        on_delete=models.CASCADE,
        related_name="special_school",
        limit_choices_to={"kind": Location.Kind.SPECIAL_SCHOOL},
        verbose_name=_("school"),
    )
    school_type = models.CharField(_("type of special school"), max_length=3, choices=Type.choices)

    class Meta:
        verbose_name = _("special school")
        verbose_name_plural = _("special schools")

    def __str__(self) -> str:
        return f"{self.location} ({self.get_school_type_display()})"


class ProviderAtSchool(models.Model):
    """A youth-care provider whose workers work at a special school."""

    provider = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="special_schools",
        limit_choices_to={"kind": Organisation.Kind.CARE_PROVIDER},
        verbose_name=_("youth-care provider"),
    )
    school = models.ForeignKey(
        Location,
        on_delete=models.CASCADE,
        related_name="care_providers",
        limit_choices_to={"kind": Location.Kind.SPECIAL_SCHOOL},
        verbose_name=_("school"),
    )
    since = models.DateField(_("working at the school since"), default=timezone.localdate)

    class Meta:
        verbose_name = _("youth-care provider at a school")
        verbose_name_plural = _("youth-care providers at schools")
        constraints = [
            models.UniqueConstraint(fields=["provider", "school"], name="provider_at_school_once")
        ]

    def __str__(self) -> str:
        return f"{self.provider} @ {self.school}"


class Arrangement(models.Model):
    """One package of support for one pupil of a special school: the education part (OPP in
    short), the youth-care part on the municipality's decision, one coordinator, one plan."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        UP_FOR_RENEWAL = "up_for_renewal", _("Up for renewal")
        RENEWED = "renewed", _("Renewed")
        ENDED = "ended", _("Ended")

    class EndReason(models.TextChoices):
        BACK_TO_REGULAR = "back_to_regular", _("Back to regular school")
        CARE_NO_LONGER_NEEDED = "care_no_longer_needed", _("Youth care no longer needed")
        LEFT_SCHOOL = "left_school", _("Left the school (moved, finished school)")
        PARENTS_WITHDREW = "parents_withdrew", _("The parents withdrew their consent")
        OTHER = "other", _("Other reason")

    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="arrangements", verbose_name=_("pupil")
    )
    school = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        related_name="arrangements",
        limit_choices_to={"kind": Location.Kind.SPECIAL_SCHOOL},
        verbose_name=_("school"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    # The education part: the development perspective (OPP), in short.
    opp_goals = models.TextField(_("goals of the development perspective (OPP)"), blank=True)
    opp_support = models.TextField(_("education support"), blank=True)
    # The youth-care part, on the municipality's decision.
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="arrangements",
        limit_choices_to={"kind": Organisation.Kind.CARE_PROVIDER},
        verbose_name=_("youth-care provider"),
    )
    care_kind = models.CharField(_("kind of youth care"), max_length=200, blank=True)
    hours_per_week = models.DecimalField(
        _("hours of youth care per week"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    decision_number = models.CharField(
        _("number of the municipality's decision"), max_length=50, blank=True
    )
    decision_start = models.DateField(_("decision valid from"), null=True, blank=True)
    decision_end = models.DateField(_("decision valid until"), null=True, blank=True)
    # One package.
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_arrangements",
        verbose_name=_("coordinator for the family"),
    )
    evaluation_date = models.DateField(_("shared evaluation date"), null=True, blank=True)
    ends_on = models.DateField(_("arrangement runs until"), null=True, blank=True)
    replaced_indications = models.PositiveSmallIntegerField(
        _("separate indications replaced by this package"), default=0
    )
    end_reason = models.CharField(
        _("reason for ending"), max_length=30, choices=EndReason.choices, blank=True
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    #: The end date (of the decision or the arrangement) the renewal warning was given for, so
    #: the daily task warns once per period.
    warned_for = models.DateField(null=True, blank=True, editable=False)
    renewed_at = models.DateTimeField(_("renewed at"), null=True, blank=True)
    #: The zorgroute case that referred the pupil to this school, if any.
    source_case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="arrangements"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("integrated arrangement")
        verbose_name_plural = _("integrated arrangements")
        indexes = [
            models.Index(fields=["school", "state"]),
            models.Index(fields=["state", "decision_end"]),
        ]

    def __str__(self) -> str:
        return f"{self.pk}: {self.get_state_display()}"

    @property
    def due_on(self) -> datetime.date | None:
        """The first of the two dates on which the package stops: the decision's end or the
        arrangement's own end. Renewal is due three months before it."""
        dates = [d for d in (self.decision_end, self.ends_on) if d is not None]
        return min(dates) if dates else None

    @property
    def in_force(self) -> bool:
        return self.state in (self.State.ACTIVE, self.State.UP_FOR_RENEWAL, self.State.RENEWED)


class PlanEntry(models.Model):
    """One entry in the arrangement's one plan, written by the school or the youth-care side."""

    class Side(models.TextChoices):
        EDUCATION = "education", _("Education")
        YOUTH_CARE = "youth_care", _("Youth care")
        COORDINATOR = "coordinator", _("Coordinator")

    arrangement = models.ForeignKey(Arrangement, on_delete=models.CASCADE, related_name="entries")
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    text = models.TextField(_("entry"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["written_at", "id"]
        verbose_name = _("plan entry")
        verbose_name_plural = _("plan entries")

    def __str__(self) -> str:
        return f"{self.arrangement_id}: {self.get_side_display()}"
