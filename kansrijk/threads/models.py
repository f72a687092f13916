"""The support team's thread on a case (seed 001: VOT members inform each other by mail,
WhatsApp or video): the exchange is kept in the file, behind the login, not in WhatsApp."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansrijk.access.roles import Role
from kansrijk.cases.models import Case


class ThreadMessage(models.Model):
    """One message of the support team about a case; file content (the level of notes)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="thread_messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("author")
    )
    author_role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    text = models.TextField(_("message"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "created_at"], name="thread_case_time_idx")]
        verbose_name = _("support team message")
        verbose_name_plural = _("support team messages")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"


class ThreadRead(models.Model):
    """Until when a member has read a case's thread: what is newer counts as unread."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="thread_reads")
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    read_until = models.DateTimeField(_("read until"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "professional"], name="thread_read_once")
        ]
        verbose_name = _("thread read marker")
        verbose_name_plural = _("thread read markers")

    def __str__(self) -> str:
        return f"{self.professional_id}@{self.case_id}"
