"""Who receives a childcare signal (issue 12, seed 001): the child centre's family
specialist, its CJG nurse (youth health care is the first line for 0–4) and the childcare's
fixed district-team contact; the administrator's rule per childcare location says which of
them becomes the contact person."""

from __future__ import annotations

from dataclasses import dataclass, field

from kansrijk.access.roles import Role
from kansrijk.core.models import Membership, Professional
from kansrijk.early_years.models import ChildcareRule


@dataclass(frozen=True)
class ChildcareRouting:
    child_centre_id: int | None  # None: no rule set up, the case stays at the childcare
    contact: Professional | None
    receivers: list[tuple[Professional, Role]] = field(default_factory=list)


def _first_at(location_id: int, role: Role) -> Professional | None:
    membership = (
        Membership.objects.filter(location_id=location_id, role=role, professional__is_active=True)
        .select_related("professional")
        .order_by("id")
        .first()
    )
    return membership.professional if membership else None


def _fixed_contact(childcare_id: int) -> tuple[Professional, Role] | None:
    from kansrijk.safety.models import ChildcareContact

    contact = (
        ChildcareContact.objects.filter(location=childcare_id, professional__is_active=True)
        .select_related("professional")
        .first()
    )
    if contact is None:
        return None
    membership = (
        Membership.objects.filter(
            professional=contact.professional_id,
            role__in=[Role.DISTRICT_TEAM, Role.FAMILY_SPECIALIST],
        )
        .order_by("id")
        .first()
    )
    role = Role(membership.role) if membership else Role.DISTRICT_TEAM
    return contact.professional, role


def childcare_routing(childcare_id: int) -> ChildcareRouting:
    """The receivers of a signal filed at this childcare location and its contact person."""
    rule = ChildcareRule.objects.filter(childcare=childcare_id).first()
    receivers: dict[ChildcareRule.Contact, tuple[Professional, Role]] = {}
    if rule is not None:
        for kind, role in (
            (ChildcareRule.Contact.FAMILY_SPECIALIST, Role.FAMILY_SPECIALIST),
            (ChildcareRule.Contact.NURSE, Role.SCHOOL_NURSE),
        ):
            person = _first_at(rule.child_centre_id, role)
            if person is not None:
                receivers[kind] = (person, role)
    fixed = _fixed_contact(childcare_id)
    if fixed is not None:
        receivers[ChildcareRule.Contact.DISTRICT_CONTACT] = fixed
    chosen = receivers.get(ChildcareRule.Contact(rule.contact)) if rule is not None else None
    if chosen is None and receivers:
        chosen = next(iter(receivers.values()))
    return ChildcareRouting(
        child_centre_id=rule.child_centre_id if rule is not None else None,
        contact=chosen[0] if chosen else None,
        receivers=list(dict.fromkeys(receivers.values())),
    )
