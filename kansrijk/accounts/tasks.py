"""The invitation mail, sent by the task worker (immediately in tests and the demo)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from kansrijk.accounts.models import Invitation
from kansrijk.accounts.selectors import token_hash


@task()
def mail_invitation(invitation_id: int) -> None:
    """Make the link's token and mail it. The token is made here, in the worker, so that it is
    never stored anywhere but in the mail (the invitation keeps its hash)."""
    invitation = (
        Invitation.objects.select_related("professional")
        .filter(pk=invitation_id, mailed_at__isnull=True, used_at__isnull=True)
        .filter(withdrawn_at__isnull=True)
        .first()
    )
    if invitation is None or not invitation.professional.email:
        return
    token = secrets.token_urlsafe(32)
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=token_hash(token))
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "professional": invitation.professional,
            "link": settings.KANSRIJK_BASE_URL + reverse("accounts:invitation", args=[token]),
            "expires_at": timezone.localtime(invitation.expires_at),
            "reason": invitation.reason,
            "reset": invitation.reason == Invitation.Reason.SECOND_FACTOR_RESET,
        }
        subject = render_to_string("accounts/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/invitation_mail.txt", context)
    send_mail(
        subject=subject,
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.professional.email],
    )
    Invitation.objects.filter(pk=invitation.pk).update(mailed_at=timezone.now())
