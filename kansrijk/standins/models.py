"""Who stands in for an absent family specialist or SWV specialist (issue 14, back-up)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansrijk.roster.models import Absence


class StandIn(models.Model):
    """The coordinator's choice of stand-in for one absence; without it, the stand-ins of
    the absent person's roster rules stand in (standins.selectors)."""

    absence = models.OneToOneField(Absence, on_delete=models.CASCADE, related_name="stand_in")
    stand_in = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("stand-in"),
    )
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("stand-in")
        verbose_name_plural = _("stand-ins")

    def __str__(self) -> str:
        return f"{self.stand_in_id} for absence {self.absence_id}"
