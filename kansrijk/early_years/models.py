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
