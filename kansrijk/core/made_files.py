"""The states of a file a background task makes on request (the inzage's PDF,
privacy.InzageFile; the monitor's quarter report, monitor.ReportFile)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MadeFileStatus(models.TextChoices):
    QUEUED = "queued", _("being made")
    READY = "ready", _("ready")
    FAILED = "failed", _("could not be made")
