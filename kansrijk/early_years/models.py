"""The 0–6 line (issue 12): where a childcare location's signals go, and the VVE indication
of a toddler that the monitor follows into school."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansrijk.cases.models import Case, Child
from kansrijk.core.models import Location


class ChildcareRule(models.Model):
    """Set by the administrator per childcare location: the child centre whose family
    specialist, CJG nurse and the childcare's fixed district-team contact receive its
    signals, and which of them becomes the family's contact person (never the childcare
    worker: she follows the signal on her work page)."""

    class Contact(models.TextChoices):
        FAMILY_SPECIALIST = "family_specialist", _("The child centre's family specialist")
        NURSE = "nurse", _("The CJG nurse of the child centre")
        DISTRICT_CONTACT = "district_contact", _("The childcare's fixed district-team contact")

    childcare = models.OneToOneField(
        Location,
        on_delete=models.CASCADE,
        related_name="childcare_rule",
        limit_choices_to={"kind": Location.Kind.CHILDCARE},
        verbose_name=_("childcare location"),
    )
    child_centre = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": Location.Kind.CHILD_CENTRE},
        verbose_name=_("child centre"),
    )
    contact = models.CharField(
        _("contact person for its signals"),
        max_length=30,
        choices=Contact.choices,
        default=Contact.FAMILY_SPECIALIST,
    )

    class Meta:
        verbose_name = _("route of childcare signals")
        verbose_name_plural = _("routes of childcare signals")

    def __str__(self) -> str:
        return f"{self.childcare} → {self.child_centre}"


class VveIndication(models.Model):
    """A toddler's indication for pre-school education (VVE), given on the 0–4 route."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="vve_indications")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="vve_indications")
    programme = models.CharField(_("VVE programme"), max_length=200, blank=True)
    indicated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    indicated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-indicated_at", "-id"]
        verbose_name = _("VVE indication")
        verbose_name_plural = _("VVE indications")

    def __str__(self) -> str:
        return f"{self.child_id}: {self.programme}"


class Handover(models.Model):
    """A warm handover (issue 12, seed 002 line 2): the sending mentor prepares it, the
    parents decide whether its content goes to the receiving school (consent purpose
    `warm_handover`; refused means only the offer is kept), a conversation with the parents
    is planned and its result recorded, and six weeks on the receiving teacher reports back."""

    class Kind(models.TextChoices):
        CHILDCARE_TO_SCHOOL = "childcare_to_school", _("Childcare to school")
        SCHOOL_TO_SCHOOL = "school_to_school", _("School to school")
        TO_SPECIAL_EDUCATION = "to_special_education", _("To special education")

    class Consent(models.TextChoices):
        ASKED = "asked", _("Asked")
        GIVEN = "given", _("Given")
        REFUSED = "refused", _("Refused")

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="handovers")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    from_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("receiving school")
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(default=timezone.now)
    goes_well = models.TextField(_("what goes well"), blank=True)
    attention_points = models.TextField(_("what needs attention"), blank=True)
    what_works = models.TextField(_("what works for this child"), blank=True)
    vve_programme = models.CharField(_("VVE programme followed"), max_length=200, blank=True)
    parents_view = models.TextField(_("the parents' view"), blank=True)
    #: School to school: the current plan and its open actions, copied when the sending IB
    #: prepared it (the parents' consent decides whether the receiving school reads it).
    plan = models.TextField(_("the plan and its open actions"), blank=True)
    consent = models.CharField(
        _("parents' consent"), max_length=10, choices=Consent.choices, default=Consent.ASKED
    )
    receiving_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("receiving teacher"),
    )
    meeting_at = models.DateTimeField(_("warm conversation on"), null=True, blank=True)
    meeting_result = models.TextField(_("result of the conversation"), blank=True)
    met_at = models.DateTimeField(null=True, blank=True)
    follow_up = models.TextField(_("follow-up after six weeks"), blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-prepared_at", "-id"]
        verbose_name = _("warm handover")
        verbose_name_plural = _("warm handovers")
        indexes = [models.Index(fields=["to_location", "prepared_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.prepared_at:%Y-%m-%d})"

    @property
    def content_fields(self) -> list[tuple[str, str]]:
        return [
            (str(self._meta.get_field(name).verbose_name), getattr(self, name))  # type: ignore[union-attr]
            for name in (
                "goes_well",
                "attention_points",
                "what_works",
                "vve_programme",
                "parents_view",
                "plan",
            )
        ]
