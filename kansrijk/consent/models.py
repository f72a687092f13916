"""The consent register: per child × purpose × recipient, given, refused or withdrawn."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansrijk.cases.models import Case, Child, Guardian
from kansrijk.core.models import Organisation


class Purpose(models.TextChoices):
    DISCUSS_IN_VOT = "discuss_in_vot", _("Discuss in the support-team meeting")
    SHARE_WITH_DISTRICT_TEAM = "share_with_district_team", _("Share with the district team")
    WARM_HANDOVER = "warm_handover", _("Warm handover")
    REFERRAL = "referral", _("Referral")
    JOINT_TEAM = "joint_team", _("Joint team of school and youth care (integrated arrangement)")
    #: The school's dyslexia file to the SWV's gatekeeper and, when referred, to the
    #: dyslexia care provider for diagnosis (kansrijk.dyslexia).
    DYSLEXIA_REFERRAL = "dyslexia_referral", _("Dyslexia file to the gatekeeper and care provider")


class Consent(models.Model):
    class Status(models.TextChoices):
        GIVEN = "given", _("Given")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Method(models.TextChoices):
        PAPER = "paper", _("On paper")
        VERBAL = "verbal", _("Verbally")
        PORTAL = "portal", _("Through the parent portal")

    # Indexed with what the matrix asks of a consent (consent_child_in_force).
    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="consents", db_index=False
    )
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="consents"
    )
    purpose = models.CharField(_("purpose"), max_length=40, choices=Purpose.choices)
    recipient = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("recipient"),
        help_text=_("Empty means the members of the support team."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    given_by = models.ForeignKey(
        Guardian, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("guardian")
    )
    by_child = models.BooleanField(_("the young person decided"), default=False)
    method = models.CharField(_("how"), max_length=20, choices=Method.choices)
    recorded_at = models.DateTimeField(_("when"), default=timezone.now)
    #: Empty when the family answered in the portal themselves (method "portal", `given_by`).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [
            # A child's consents, and whether one is in force for an organisation, from the
            # index alone (the matrix's consent reach, access.registry).
            models.Index(
                fields=["child", "purpose", "recorded_at"],
                include=["status", "superseded_at", "valid_until", "recipient"],
                name="consent_child_in_force",
            ),
            models.Index(fields=["status", "superseded_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {self.get_status_display()}"


class LegalGround(models.Model):
    """Disclosure without consent: only on a recorded legal ground, visible to the coordinator."""

    class Ground(models.TextChoices):
        MELDCODE = "meldcode", _("Meldcode step (domestic violence or child abuse)")
        CONFLICT_OF_DUTIES = "conflict_of_duties", _("Conflict of duties")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="legal_grounds")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, verbose_name=_("disclosed to")
    )
    ground = models.CharField(_("legal ground"), max_length=30, choices=Ground.choices)
    explanation = models.TextField(_("explanation"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("legal ground")
        verbose_name_plural = _("legal grounds")

    def __str__(self) -> str:
        return f"{self.get_ground_display()} → {self.organisation_id}"


class ConsentRequest(models.Model):
    """A question to the family ("may we discuss Sem in the support-team meeting?") that they
    answer in the portal. From 12 to 15 both a parent and the young person answer: each half
    is kept here until the answer is complete, then one Consent record is written."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consent_requests")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="consent_requests")
    purpose = models.CharField(_("purpose"), max_length=40, choices=Purpose.choices)
    recipient = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("recipient")
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asked by"),
    )
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    guardian_answer = models.CharField(
        _("parent's answer"), max_length=20, choices=Consent.Status.choices, blank=True
    )
    guardian = models.ForeignKey(
        Guardian,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("parent or carer"),
    )
    child_answer = models.CharField(
        _("young person's answer"), max_length=20, choices=Consent.Status.choices, blank=True
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    consent = models.ForeignKey(
        Consent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent"),
    )

    class Meta:
        ordering = ["asked_at", "id"]
        verbose_name = _("consent question")
        verbose_name_plural = _("consent questions")
        indexes = [models.Index(fields=["case", "answered_at"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {self.child_id}"
