"""Telling professionals something: an in-app notification and, by default, a mail.

The mail is enqueued with transaction.on_commit (house rule 4), so nothing is mailed about a
write that rolled back.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.utils import timezone

from kansrijk.core.models import Professional
from kansrijk.notifications.models import Notification
from kansrijk.notifications.tasks import mail_notification


def notify(
    *,
    to: Professional | Iterable[Professional],
    subject: str,
    body: str = "",
    url: str = "",
    mail: bool = True,
) -> list[Notification]:
    recipients = [to] if isinstance(to, Professional) else list(dict.fromkeys(to))
    created = [
        Notification.objects.create(recipient=person, subject=subject[:200], body=body, url=url)
        for person in recipients
    ]
    if mail:
        for notification in created:
            transaction.on_commit(partial(mail_notification.enqueue, notification.pk))
    return created


def mail_failure_record(*, notification_id: int, reason: str) -> None:
    """A mail will not go out: mark its notification (the inbox shows it) and tell the
    functional administrators in the app (not by mail: the mail server is what failed)."""
    from django.utils.translation import gettext as _

    from kansrijk.access.roles import Role

    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, mail_failed_at__isnull=True)
            .first()
        )
        if notification is None:
            return
        notification.mail_failed_at = timezone.now()
        notification.mail_error = reason[:500]
        notification.save(update_fields=["mail_failed_at", "mail_error"])
        administrators = Professional.objects.filter(
            memberships__role=Role.ADMINISTRATOR, is_active=True
        ).distinct()
        notify(
            to=administrators,
            subject=_("A mail could not be delivered"),
            body=_("The mail to %(username)s about “%(subject)s” did not go out: %(reason)s")
            % {
                "username": notification.recipient.username,
                "subject": notification.subject,
                "reason": reason,
            },
            mail=False,
        )


def notification_mark_read(*, by: Professional, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, all) of the user's own notifications as read."""
    unread = Notification.objects.filter(recipient=by, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    marked = unread.update(read_at=timezone.now())
    unread_changed(by)
    return marked


def unread_changed(user: Professional) -> None:
    """The user's unread count, read with the signed-in user (accounts.middleware), no
    longer holds: the menu of this request counts again."""
    if hasattr(user, "unread_notifications"):
        del user.unread_notifications
