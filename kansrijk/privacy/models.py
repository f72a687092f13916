"""An inzage as PDF, made in the background and kept for the one who asked until it expires.

WeasyPrint lays out a family's file in seconds (2.2-2.5 s at region scale, docs/operations.md),
too long for a request: the page asks for the file, a django-tasks task makes it, and the page
offers the download when it is ready. The file holds the family's data, so it is kept only
`KEPT_FOR`, only its requester may download it, and the retention run deletes expired ones.
Its relations end in "+": the inzage's walk over the family's records never reaches it.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansrijk.core.made_files import MadeFileStatus

#: How long a made file may be downloaded; then the retention run deletes it.
KEPT_FOR = datetime.timedelta(days=7)


def _expiry() -> datetime.datetime:
    return timezone.now() + KEPT_FOR


class InzageFile(models.Model):
    Status = MadeFileStatus

    family = models.ForeignKey("cases.Family", on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey(
        "cases.Child", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    #: Who asked: a professional on the inzage page, or a guardian in the portal.
    requested_by = models.ForeignKey(
        "core.Professional", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    guardian = models.ForeignKey(
        "cases.Guardian", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), default=_expiry, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    content = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("inzage file")
        verbose_name_plural = _("inzage files")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(requested_by__isnull=False, guardian__isnull=True)
                | models.Q(requested_by__isnull=True, guardian__isnull=False),
                name="inzage_file_one_requester",
            )
        ]
        indexes = [models.Index(fields=["family", "-requested_at"], name="inzage_file_family")]

    def __str__(self) -> str:
        return f"inzage file {self.pk}"
