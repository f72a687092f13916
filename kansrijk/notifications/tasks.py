"""Mail for notifications, sent by the task worker (immediately in tests and the demo)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task

from kansrijk.notifications.models import Notification


@task()
def mail_notification(notification_id: int, base_url: str = "") -> None:
    """Mail one notification to its recipient, once. Mails carry no case content beyond the
    subject and a link: the details stay behind the login."""
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if (
        notification is None
        or notification.mailed_at is not None
        or not notification.recipient.email
    ):
        return
    link = (
        f"\n\n{base_url or settings.KANSRIJK_BASE_URL}{notification.url}"
        if notification.url
        else ""
    )
    send_mail(
        subject=f"[Kansrijk] {notification.subject}",
        message=f"{notification.body}{link}",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[notification.recipient.email],
    )
    Notification.objects.filter(pk=notification.pk).update(mailed_at=timezone.now())
