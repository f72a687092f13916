"""The only code that writes partner clients: made and switched off by the administrator
(/beheer/ or `manage.py partner_client`), and the per-client rate limit."""

from __future__ import annotations

import time

from django.db import IntegrityError, transaction
from django.db.models import F
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application, RefreshToken

from kansrijk.access.roles import Role
from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access
from kansrijk.clients.models import CallWindow, PartnerClient, Scope
from kansrijk.core.models import Location, Membership, Organisation, Professional

PURPOSE = "partner systems"


def partner_client_create(
    *,
    by: Professional | None,
    name: str,
    organisation: Organisation,
    role: Role,
    scopes: list[str],
    location: Location | None = None,
) -> tuple[PartnerClient, str]:
    """A new client for the organisation's system; returns it with its secret, which is shown
    this once (the database keeps only its hash)."""
    unknown = set(scopes) - set(Scope.values)
    if unknown or not scopes:
        raise ValueError(f"unknown scopes: {sorted(unknown)}")
    secret = generate_client_secret()
    with transaction.atomic():
        application = Application.objects.create(
            name=name,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
            client_secret=secret,
        )
        account = Professional.objects.create(
            username=f"client-{application.client_id[:12].lower()}",
            first_name=name[:150],
            email="",
        )
        account.set_unusable_password()
        account.save(update_fields=["password"])
        Membership.objects.create(
            professional=account, role=role, organisation=organisation, location=location
        )
        client = PartnerClient.objects.create(
            application=application,
            organisation=organisation,
            role=role,
            location=location,
            scopes=" ".join(sorted(set(scopes))),
            account=account,
        )
        log_access(
            by=by, event=Event.WRITE, purpose=PURPOSE, username="" if by else "manage.py",
            detail=f"partner client {client.pk} ({name}) for {organisation.name} as {role}",
        )  # fmt: skip
    return client, secret


def partner_client_revoke(*, by: Professional | None, client: PartnerClient) -> int:
    """Switch the client off and revoke every token it holds: its next call answers 401."""
    with transaction.atomic():
        client.active = False
        client.save(update_fields=["active"])
        RefreshToken.objects.filter(application_id=client.application_id).delete()
        count, _deleted = AccessToken.objects.filter(application_id=client.application_id).delete()
        log_access(
            by=by, event=Event.WRITE, purpose=PURPOSE, username="" if by else "manage.py",
            detail=f"partner client {client.pk} switched off, {count} token(s) revoked",
        )  # fmt: skip
    return count


def call_counted(*, client_id: int, limit: int) -> bool:
    """Count one call in the client's current minute; False when it is over the limit."""
    minute = int(time.time() // 60)
    for _attempt in range(2):
        updated = CallWindow.objects.filter(client_id=client_id, minute=minute).update(
            calls=F("calls") + 1
        )
        if updated:
            break
        try:
            with transaction.atomic():
                CallWindow.objects.create(client_id=client_id, minute=minute, calls=1)
            CallWindow.objects.filter(client_id=client_id, minute__lt=minute - 1).delete()
            break
        except IntegrityError:
            continue  # another request made the window first: count in it
    calls = (
        CallWindow.objects.filter(client_id=client_id, minute=minute)
        .values_list("calls", flat=True)
        .first()
    )
    return (calls or 0) <= limit
