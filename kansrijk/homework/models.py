"""Homework support (seed 001): parents who struggle to help their child with homework are
supported by the family specialist, at home or at school, without the whole zorgroute."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansrijk.cases.models import Child, Family


class HomeworkSupport(models.Model):
    """A light case: one child, one family specialist, one question, a start and an end."""

    class Place(models.TextChoices):
        HOME = "home", _("At home")
        SCHOOL = "school", _("At school")

    class Result(models.TextChoices):
        HELPED = "helped", _("The parents manage on their own")
        ROUTE = "route", _("More is needed: a signal on the zorgroute")
        STOPPED = "stopped", _("Stopped by the family")

    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="homework_support", verbose_name=_("child")
    )
    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, related_name="homework_support", verbose_name=_("family")
    )
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("family specialist"),
    )
    place = models.CharField(_("where"), max_length=10, choices=Place.choices)
    question = models.TextField(_("what was asked"))
    started_on = models.DateField(_("started on"), default=timezone.localdate)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True)
    result_note = models.TextField(_("how it went"), blank=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        indexes = [models.Index(fields=["specialist", "ended_on"], name="homework_open_idx")]
        verbose_name = _("homework support")
        verbose_name_plural = _("homework support")

    def __str__(self) -> str:
        return f"{self.started_on}"
