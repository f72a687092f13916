"""What the family itself adds to its file in the portal: their part of the plan, their
answer to a plan version, the message thread with the contact person, inzage requests, and
questions asked at the first door (CJG) before there is a case."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansrijk.cases.models import Case, Child, Family, Guardian, PlanVersion


class FamilySection(models.Model):
    """The family's own part of a plan version ("1 gezin 1 plan"), written with the contact
    person; a new plan version starts from the previous version's text."""

    plan = models.OneToOneField(
        PlanVersion, on_delete=models.CASCADE, related_name="family_section"
    )
    going_well = models.TextField(_("what goes well"), blank=True)
    we_do_ourselves = models.TextField(_("what we do ourselves"), blank=True)
    network_helps = models.TextField(_("who in our network helps"), blank=True)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)
    updated_by = models.ForeignKey(
        Guardian, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("family section of the plan")
        verbose_name_plural = _("family sections of the plan")

    def __str__(self) -> str:
        return f"{self.plan}"


class PlanResponse(models.Model):
    """A parent's agreement with a plan version, or a remark on it; kept with the version."""

    class Kind(models.TextChoices):
        AGREED = "agreed", _("Agreed with the plan")
        REMARK = "remark", _("Remark")

    plan = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="responses")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("remark"), blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("answer to the plan")
        verbose_name_plural = _("answers to the plan")

    def __str__(self) -> str:
        return f"{self.plan}: {self.get_kind_display()}"


class Message(models.Model):
    """One message in a case's thread with the contact person (instead of WhatsApp).

    The family's thread has no `young_person`; a young person of 12 or older has a thread of
    their own (`young_person` set), which their parents do not see. The author is the
    professional, else the guardian, else the young person."""

    class Kind(models.TextChoices):
        MESSAGE = "message", _("Message")
        CORRECTION = "correction", _("Request to correct the file")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.MESSAGE)
    text = models.TextField(_("message"))
    guardian = models.ForeignKey(
        Guardian, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    young_person = models.ForeignKey(
        Child,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("conversation with the young person"),
    )
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("professional"),
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        ordering = ["sent_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["case", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.sent_at:%Y-%m-%d %H:%M}"

    @property
    def from_family(self) -> bool:
        return self.professional_id is None

    def author_name(self) -> str:
        author = self.professional or self.guardian or self.young_person
        return str(author) if author is not None else "—"


class InzageRequest(models.Model):
    """A parent's request to see what is recorded (AVG art. 15); delivered in the portal."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="inzage_requests")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    downloads = models.PositiveIntegerField(_("downloads"), default=0)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("inzage request")
        verbose_name_plural = _("inzage requests")

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d}"


class FirstDoor(models.Model):
    """Where parents of a district go with a question about raising or growing up (CJG)."""

    district = models.CharField(_("district"), max_length=100, unique=True)
    slug = models.SlugField(_("short code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=200)
    opening_hours = models.TextField(_("opening hours"))
    phone = models.CharField(_("phone"), max_length=30)
    email = models.EmailField(_("e-mail"))
    organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("answered by"),
    )

    class Meta:
        ordering = ["district"]
        verbose_name = _("first door")
        verbose_name_plural = _("first doors")

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """A question a parent asked online at the first door; the CJG/district team picks it up."""

    door = models.ForeignKey(FirstDoor, on_delete=models.PROTECT, related_name="questions")
    name = models.CharField(_("your name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    text = models.TextField(_("your question"))
    may_contact = models.BooleanField(_("may we contact you about your question?"))
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        ordering = ["-asked_at", "-id"]
        verbose_name = _("first-door question")
        verbose_name_plural = _("first-door questions")

    def __str__(self) -> str:
        return f"{self.door}: {self.asked_at:%Y-%m-%d}"
