"""Reading a professional's notifications."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from kansrijk.notifications.models import Notification


def unread_count(recipient_ref: str) -> Coalesce:
    """How many notifications the professional at `recipient_ref` (an OuterRef path) has not
    read: a subquery on the index (recipient, read_at), read with the signed-in user
    (accounts.middleware) for the menu's badge."""
    unread = (
        Notification.objects.filter(recipient=OuterRef(recipient_ref), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(unread), 0)
