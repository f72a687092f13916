"""Partner systems (the district team's system, a school administration, the region's BI): one
OAuth 2.0 client per organisation, acting as that organisation in one role."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kansrijk.access.roles import Role
from kansrijk.core.models import Location, Organisation


class Scope(models.TextChoices):
    """What a client may do; each API operation open to clients names one
    (kansrijk.access.pages.CLIENT_SCOPES)."""

    INVOLVEMENT_WRITE = "involvement:write", _("Register and end involvement")
    MATCHES_READ = "matches:read", _("Read matches and record who leads")
    SIGNALS_WRITE = "signals:write", _("File signals")
    MONITOR_READ = "monitor:read", _("Read the monitor's figures")


class PartnerClient(models.Model):
    """The OAuth application of one organisation's system. Its calls act as `account`, a
    professional without password or login who holds exactly one membership (the client's
    role at its organisation, and location where the role needs one), so the permission
    matrix applies to the client as to that role."""

    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="partner"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("location"),
    )  # fmt: skip
    scopes = models.CharField(_("scopes"), max_length=200, help_text=_("Separated by spaces."))
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="partner_client"
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive client's tokens are refused.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partner system")
        verbose_name_plural = _("partner systems")

    def __str__(self) -> str:
        return f"{self.application.name} ({self.organisation})"

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())


class CallWindow(models.Model):
    """How many calls a client made in one minute (the rate limit, shared by every app
    server through the database)."""

    client = models.ForeignKey(PartnerClient, on_delete=models.CASCADE, related_name="+")
    minute = models.BigIntegerField()
    calls = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "minute"], name="clients_one_window"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id}@{self.minute}: {self.calls}"
