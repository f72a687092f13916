"""The emergency relation of the permission matrix: a break-the-glass grant in force."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kansrijk.access.matrix import Relation
from kansrijk.access.registry import Reach, now, register_relation

if TYPE_CHECKING:
    from kansrijk.core.models import Membership, Professional


def emergency(user: Professional, membership: Membership) -> Reach:
    from kansrijk.safety.models import EmergencyAccess

    granted = EmergencyAccess.objects.filter(user=user, expires_at__gt=now())
    return Reach((granted.values("case").order_by(),))


def register() -> None:
    register_relation(Relation.EMERGENCY, emergency)
