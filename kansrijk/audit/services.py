"""Writing the access log. Called inside the caller's transaction, so a write and its entry
commit or roll back together (house rule 3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

from kansrijk.audit import chain
from kansrijk.audit.context import source_address
from kansrijk.audit.models import AccessLogEntry, Event

if TYPE_CHECKING:
    from kansrijk.core.models import Professional

#: Any fixed number: the advisory lock that serialises appends to the chain on PostgreSQL.
_CHAIN_LOCK = 7513


def log_access(
    *,
    by: Professional | None,
    event: Event,
    purpose: str = "",
    case_id: int | None = None,
    family_id: int | None = None,
    child_id: int | None = None,
    detail: str = "",
    roles: str | None = None,
    username: str = "",
) -> AccessLogEntry:
    from kansrijk.access.policies import memberships_of

    role_text, organisation_text = "", ""
    if by is not None and by.is_authenticated:
        members = memberships_of(by)
        role_text = roles if roles is not None else ",".join(sorted({m.role for m in members}))
        organisation_text = ",".join(sorted({m.organisation.name for m in members}))
        username = by.get_username()
    values = {
        "at": timezone.now(),
        "event": event.value,
        "user_id": by.pk if by is not None and by.is_authenticated else None,
        "username": username[:150],
        "role": role_text[:200],
        "organisation": organisation_text[:400],
        "purpose": purpose[:200],
        "source_address": source_address.get(),
        "case_id": case_id,
        "family_id": family_id,
        "child_id": child_id,
        "detail": detail[:500],
    }
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        previous = (
            AccessLogEntry.objects.order_by("-id").values_list("entry_hash", flat=True).first()
            or chain.GENESIS
        )
        entry = AccessLogEntry(
            previous_hash=previous, entry_hash=chain.link(previous, values), **values
        )
        entry.save()
    return entry
