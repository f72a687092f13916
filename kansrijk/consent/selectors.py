"""Reading the consent register: what is in force, and whether a disclosure may happen."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kansrijk.consent.models import Consent, LegalGround, Purpose

if TYPE_CHECKING:
    from kansrijk.cases.models import Case
    from kansrijk.core.models import Organisation


def in_force(today: datetime.date | None = None) -> Q:
    """A consent record that is the latest for its key, given, and not expired."""
    today = today or timezone.localdate()
    return Q(status=Consent.Status.GIVEN, superseded_at__isnull=True) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )


def sharing_condition(organisation_id: int, purposes: frozenset[Purpose], *, team_wide: bool) -> Q:
    """Cases whose family consented to sharing with this organisation (or, when `team_wide`,
    with the support team as a whole), or on which a legal ground for it is recorded."""
    recipients = Q(recipient=organisation_id)
    if team_wide:
        recipients |= Q(recipient__isnull=True)
    consented = Consent.objects.filter(
        in_force(), child__family=OuterRef("family"), purpose__in=purposes
    ).filter(recipients)
    grounded = LegalGround.objects.filter(case=OuterRef("pk"), organisation=organisation_id)
    return Q(Exists(consented)) | Q(Exists(grounded))


@dataclass(frozen=True)
class Disclosure:
    allowed: bool
    basis: str  # "own_organisation", "consent", "legal_ground" or "" when not allowed
    reason: str


def disclosure_allowed(case: Case, *, purpose: Purpose, organisation: Organisation) -> Disclosure:
    """Asked before every disclosure: may this case be shown to this organisation for this purpose?"""
    if case.location.organisation_id == organisation.pk:
        return Disclosure(True, "own_organisation", _("The case belongs to this organisation."))
    recipients = Q(recipient__isnull=True) if purpose == Purpose.DISCUSS_IN_VOT else Q()
    consent = Consent.objects.filter(
        in_force(), child__family=case.family_id, purpose=purpose
    ).filter(recipients | Q(recipient=organisation.pk))
    if consent.exists():
        return Disclosure(True, "consent", _("The parents gave consent."))
    ground = LegalGround.objects.filter(case=case, organisation=organisation).first()
    if ground is not None:
        return Disclosure(True, "legal_ground", str(ground.get_ground_display()))
    return Disclosure(
        False, "",
        _("No consent for '%(purpose)s' with %(organisation)s.")
        % {"purpose": Purpose(purpose).label, "organisation": organisation.name},
    )


def consents_of_family(family_id: int) -> QuerySet[Consent]:
    return (
        Consent.objects.filter(child__family=family_id)
        .select_related("child", "recipient", "given_by", "recorded_by")
        .order_by("child__given_name", "purpose", "-recorded_at", "-id")
    )


def legal_grounds_visible_to_coordinator(location_ids: list[int]) -> QuerySet[LegalGround]:
    return (
        LegalGround.objects.filter(case__location__in=location_ids)
        .select_related("case", "organisation", "recorded_by")
        .order_by("-recorded_at")
    )
