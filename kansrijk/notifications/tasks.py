"""Mail for notifications, sent by the task worker (immediately in tests and the demo).

Delivery is retried: a transient failure (connection refused or dropped, a time-out, a 4xx
reply) schedules the next attempt with back-off (1, 2, 4 … minutes, at most an hour apart) for
KANSRIJK_MAIL_RETRY_HOURS (24) after the notification was made. A permanent failure (a 5xx
reply, or no delivery within that period) is recorded on the notification, which then says in
the inbox that the mail did not go out, and the functional administrators are told in the app.
SMTP has a time-out (EMAIL_TIMEOUT), so a hanging server holds one worker thread for at most
that long.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task

from kansrijk.notifications.models import Notification

logger = logging.getLogger(__name__)

MAX_DELAY_SECONDS = 3600


class PermanentMailFailure(Exception):
    """The server refused the mail for good: retrying would not help."""


def retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt: 1, 2, 4, … minutes, at most an hour."""
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), MAX_DELAY_SECONDS))


def _permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPConnectError | smtplib.SMTPServerDisconnected):
        return False  # the server, not this mail: try again later
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


@task()
def mail_notification(notification_id: int, base_url: str = "") -> str:
    """Mail one notification to its recipient, once. Mails carry no case content beyond the
    subject and a link: the details stay behind the login."""
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if (
        notification is None
        or notification.mailed_at is not None
        or notification.mail_failed_at is not None
        or not notification.recipient.email
    ):
        return "skipped"
    link = (
        f"\n\n{base_url or settings.KANSRIJK_BASE_URL}{notification.url}"
        if notification.url
        else ""
    )
    attempts = notification.mail_attempts + 1
    try:
        send_mail(
            subject=f"[Kansrijk] {notification.subject}",
            message=f"{notification.body}{link}",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.recipient.email],
        )
    except (smtplib.SMTPException, OSError) as error:
        reason = f"{type(error).__name__}: {error}"[:500]
        Notification.objects.filter(pk=notification.pk).update(
            mail_attempts=attempts, mail_error=reason
        )
        if _permanent(error):
            _give_up(notification, reason)
            return "refused"
        return _retry_later(notification, attempts, reason, base_url)
    Notification.objects.filter(pk=notification.pk).update(
        mailed_at=timezone.now(), mail_attempts=attempts, mail_error=""
    )
    return "sent"


def _retry_later(notification: Notification, attempts: int, reason: str, base_url: str) -> str:
    deadline = notification.created_at + timedelta(hours=settings.KANSRIJK_MAIL_RETRY_HOURS)
    next_attempt = timezone.now() + retry_delay(attempts)
    if timezone.now() >= deadline or not mail_notification.get_backend().supports_defer:
        _give_up(notification, f"not delivered after {attempts} attempt(s): {reason}")
        return "gave up"
    logger.warning(
        "Mail of notification %s failed (attempt %d, %s); next attempt at %s",
        notification.pk,
        attempts,
        reason,
        next_attempt.isoformat(),
    )
    mail_notification.using(run_after=next_attempt).enqueue(notification.pk, base_url)
    return "retrying"


def _give_up(notification: Notification, reason: str) -> None:
    """The mail will not go out: the notification says so, and the administrators are told."""
    from kansrijk.notifications.services import mail_failure_record

    logger.error("Mail of notification %s will not go out: %s", notification.pk, reason)
    mail_failure_record(notification_id=notification.pk, reason=reason)
