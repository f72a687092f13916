"""Telling a family that something waits for them in the portal: a mail without content.

Families have no inbox in Kansrijk: the message, the question or the plan stays behind the
DigiD sign-in, and the mail only says that there is something new (house rule 4: sent after
the commit)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

_paused: ContextVar[bool] = ContextVar("family_mail_paused", default=False)


@contextmanager
def family_mail_paused() -> Iterator[None]:
    """No family mail for writes that commit inside this block (the demo load: months of
    made-up history would otherwise mail every demo family at once)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def notify_family(*, family_id: int, subject: str) -> None:
    """Mail every guardian of the family who left an address, once the write commits."""
    transaction.on_commit(partial(_enqueue, family_id, str(subject)))


def _enqueue(family_id: int, subject: str) -> None:
    if not _paused.get():
        mail_family.enqueue(family_id, subject)


@task()
def mail_family(family_id: int, subject: str) -> None:
    from kansrijk.cases.models import Guardian

    addresses = sorted(
        set(
            Guardian.objects.filter(family=family_id)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    if not addresses:
        return
    link = f"{settings.KANSRIJK_BASE_URL}{reverse('portal:start')}"
    body = _(
        "There is something new for you in the Kansrijk family portal. "
        "Sign in with DigiD to read it:"
    )
    for address in addresses:
        send_mail(
            subject=f"[Kansrijk] {subject}",
            message=f"{body}\n\n{link}",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[address],
        )
