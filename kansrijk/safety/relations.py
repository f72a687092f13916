"""The emergency relation of the permission matrix: a break-the-glass grant in force."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from kansrijk.access.matrix import Relation
from kansrijk.access.registry import register_relation

if TYPE_CHECKING:
    from kansrijk.core.models import Membership, Professional


def emergency(user: Professional, membership: Membership) -> Q:
    from kansrijk.safety.models import EmergencyAccess

    granted = EmergencyAccess.objects.filter(
        case=OuterRef("pk"), user=user, expires_at__gt=timezone.now()
    )
    return Q(Exists(granted))


def register() -> None:
    register_relation(Relation.EMERGENCY, emergency)
