"""An import waiting for confirmation: the parsed rows and their preview, never the file.

The uploaded file is read once, parsed, and dropped; what the preview needs is kept here
until it is confirmed (then the rows are cleared and only the counts stay) or until it
expires (`EXPIRES_AFTER`; expired imports are deleted at the next upload, see
`kansrijk.imports.services.purge_expired`).
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansrijk.core.models import Location

#: How long parsed rows wait for the importer to confirm.
EXPIRES_AFTER = datetime.timedelta(hours=2)


def _expiry() -> datetime.datetime:
    return timezone.now() + EXPIRES_AFTER


class ImportBatch(models.Model):
    class Kind(models.TextChoices):
        PUPILS = "pupils", _("Pupils")
        STAFF = "staff", _("Staff")

    class Format(models.TextChoices):
        EDEXML = "edexml", _("EDEXML")
        CSV = "csv", _("CSV")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    format = models.CharField(max_length=10, choices=Format.choices)
    #: The school the pupils are imported into (None for a staff import).
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    file_name = models.CharField(max_length=200, blank=True)
    create_groups = models.BooleanField(default=False)
    #: Parsed rows (see kansrijk.imports.rows) and the preview computed from them.
    rows = models.JSONField(default=list)
    preview = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=_expiry, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    #: What the confirmation wrote, as counts (no personal data).
    result = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_open(self) -> bool:
        return self.confirmed_at is None and self.expires_at > timezone.now()
