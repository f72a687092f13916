"""Invitations: the only way to set a first password and enrol a first authenticator app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Invitation(models.Model):
    """A single-use link, valid for a limited time, to set a password and connect the
    authenticator app. Only a hash of the link's token is kept: the token itself exists in the
    mail alone, so not even a copy of the database lets anyone in."""

    class Reason(models.TextChoices):
        NEW_ACCOUNT = "new_account", _("New account")
        SECOND_FACTOR_RESET = "second_factor_reset", _("Second factor reset")
        ASKED_AGAIN = "asked_again", _("Asked again")

    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("professional"),
    )
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    #: sha256 of the token in the link; empty until the mail with the token is sent.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("valid until"))
    mailed_at = models.DateTimeField(_("mailed at"), null=True, blank=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    #: Replaced by a newer invitation, or the account was deactivated.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.professional} ({self.created_at:%Y-%m-%d %H:%M})"

    def is_usable(self, now: object = None) -> bool:
        moment = now or timezone.now()
        return (
            self.used_at is None
            and self.withdrawn_at is None
            and bool(self.token_hash)
            and self.expires_at > moment  # type: ignore[operator]
        )
