"""The match notice to a contact outside Kansrijk (a partner system's worker): one mail with
the other side's name and organisation, nothing about the child."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task


@task()
def mail_match_notice(to: str, subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
