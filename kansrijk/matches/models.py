"""The match register (Verwijsindex idea): organisations record only *that* they are involved
with a child — never why — and two involvements on one child make a match."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kansrijk.core.models import Organisation


class Involvement(models.Model):
    """One organisation's involvement with one child, from `started_on` until `ended_on`.

    The child is only its key (matches.keys.child_key); the reason is not recorded at all.
    Removed 5 years after it ended (privacy.retention, the Verwijsindex term)."""

    child_key = models.CharField(max_length=64)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact"),
    )
    contact_name = models.CharField(_("contact's name"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact's phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact's e-mail"), blank=True)
    #: The organisation's own file number, so that its contact knows which child a match is
    #: about; it says nothing about the reason.
    reference = models.CharField(_("your reference"), max_length=100, blank=True)
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    #: Kansrijk's own case that registered it (registered and ended with the case).
    case_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("involvement")
        verbose_name_plural = _("involvements")
        indexes = [
            # The match lookup: the active involvements of one child.
            models.Index(
                fields=["child_key"], condition=models.Q(ended_on__isnull=True),
                name="matches_involvement_active",
            ),
            models.Index(fields=["ended_on"], name="matches_involvement_ended"),
        ]  # fmt: skip
        constraints = [
            models.UniqueConstraint(
                fields=["child_key", "organisation"], condition=models.Q(ended_on__isnull=True),
                name="matches_one_active_involvement_per_organisation",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.organisation} {self.started_on}"

    @property
    def contact_label(self) -> str:
        """The contact's name as the other side reads it."""
        if self.contact is not None:
            return self.contact.get_full_name() or self.contact.get_username()
        return self.contact_name

    @property
    def contact_reach(self) -> str:
        """How the other side reaches the contact (phone, else e-mail)."""
        if self.contact is not None:
            return getattr(self.contact, "phone", "") or self.contact.email
        return self.contact_phone or self.contact_email


class Match(models.Model):
    """Two organisations' active involvements meet on one child: both contacts were told who
    the other is, and each side records whom it sees as the one who leads (seed 003: one
    contact person for the family)."""

    class Side(models.TextChoices):
        FIRST = "first", _("the first registration's organisation")
        SECOND = "second", _("the second registration's organisation")

    first = models.ForeignKey(Involvement, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Involvement, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    lead_by_first = models.CharField(max_length=10, choices=Side.choices, blank=True)
    lead_by_second = models.CharField(max_length=10, choices=Side.choices, blank=True)

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="matches_one_match_per_pair"),
        ]

    def __str__(self) -> str:
        return f"match {self.pk}"

    @property
    def agreed_lead(self) -> Involvement | None:
        """The involvement both sides named as the lead, or None while they differ."""
        if self.lead_by_first and self.lead_by_first == self.lead_by_second:
            return self.first if self.lead_by_first == self.Side.FIRST else self.second
        return None
