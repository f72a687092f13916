"""The NEN 7513 access log: who did what with whose data, when, why and from where."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    READ = "read", _("Read")
    LIST = "list", _("List")
    SEARCH = "search", _("Search")
    WRITE = "write", _("Write")
    EXPORT = "export", _("Export")
    PRINT = "print", _("Print")
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logout")


class AccessLogEntry(models.Model):
    """Append-only; each entry carries the hash of its predecessor (see audit.chain)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    event = models.CharField(max_length=20, choices=Event.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=400, blank=True)
    purpose = models.CharField(max_length=200, blank=True)
    source_address = models.GenericIPAddressField(null=True, blank=True)
    case_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    family_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    child_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    detail = models.CharField(max_length=500, blank=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log entries")

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("The access log is append-only.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("The access log is append-only.")
