"""Who may import for which school, and reading an import that waits for confirmation.

The functional administrator imports for every school and imports staff; an internal coach
(IB) imports the pupils of their own location(s) only. Anyone else sees no import at all
(404, house rule 2)."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.utils import timezone

from kansrijk.access.policies import memberships_of, roles_of
from kansrijk.access.roles import Role
from kansrijk.core.models import Location, Professional
from kansrijk.imports.models import ImportBatch


def may_import_staff(user: Professional) -> bool:
    return user.is_authenticated and Role.ADMINISTRATOR in roles_of(user)


def import_locations(user: Professional) -> QuerySet[Location]:
    """The schools and childcare locations whose pupils the user may import."""
    if not user.is_authenticated:
        return Location.objects.none()
    if may_import_staff(user):
        return Location.objects.exclude(kind=Location.Kind.OFFICE).order_by("name")
    condition = Q(pk__in=[])
    for membership in memberships_of(user):
        if membership.role != Role.INTERNAL_COACH:
            continue
        if membership.location_id is not None:
            condition |= Q(pk=membership.location_id)
        else:
            condition |= Q(organisation=membership.organisation_id)
    return Location.objects.filter(condition).order_by("name")


def import_location(user: Professional, code: str) -> Location | None:
    return import_locations(user).filter(code=code).first()


def open_batch(user: Professional, batch_id: uuid.UUID, kind: str) -> ImportBatch | None:
    """The user's own import, still waiting; anyone else's is as missing as a wrong id."""
    return (
        ImportBatch.objects.select_related("location")
        .filter(
            pk=batch_id,
            kind=kind,
            created_by=user,
            confirmed_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )
