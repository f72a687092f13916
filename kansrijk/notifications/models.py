"""In-app notifications; each may also go out by mail (see notifications.services)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    mailed_at = models.DateTimeField(null=True, blank=True)
    #: Delivery attempts so far; transient failures are retried (notifications.tasks).
    mail_attempts = models.PositiveSmallIntegerField(_("mail attempts"), default=0)
    #: Set when the mail will not go out (refused, or not delivered within the retry period).
    mail_failed_at = models.DateTimeField(_("mail failed at"), null=True, blank=True)
    mail_error = models.CharField(_("mail error"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.subject
