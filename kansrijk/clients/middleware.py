"""A partner system's call: `Authorization: Bearer <token>` on /api/ instead of a session.

A valid token of an active client makes the request act as the client's account (its
organisation's role), with the token's scopes, which the gate checks per operation
(access.pages.CLIENT_SCOPES); the access log names the client (audit.context.api_client).
A bad, expired or revoked token answers 401, too many calls 429, both as problem+json. No
session and no CSRF token are involved."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from kansrijk.audit.context import api_client
from kansrijk.clients.services import call_counted
from kansrijk.clients.validator import ClientScopesValidator


def _problem(request: HttpRequest, status: int, title: str, detail: str) -> HttpResponse:
    from kansrijk.api import problem  # the API module loads the routers; import it late

    return problem(request, status, title, detail)


class BearerTokenMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not request.path_info.startswith("/api/") or header[:7].lower() != "bearer ":
            return self.get_response(request)
        access_token = ClientScopesValidator()._load_access_token(header[7:].strip())
        client = getattr(access_token.application, "partner", None) if access_token else None
        if access_token is None or client is None or not client.active or access_token.is_expired():
            response = _problem(
                request, 401, _("Invalid token"),
                _("The token is unknown, expired or revoked: ask a new one at /oauth/token/."),
            )  # fmt: skip
            response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            return response
        if not call_counted(
            client_id=client.pk, limit=settings.KANSRIJK_API_CLIENT_RATE_PER_MINUTE
        ):
            response = _problem(
                request, 429, _("Too many requests"),
                _("This client made too many calls this minute; try again in a minute."),
            )  # fmt: skip
            response["Retry-After"] = "60"
            return response
        account = client.account
        account.is_verified = lambda: True  # the client's secret is its only factor
        request.user = account
        request.api_client_scopes = frozenset(access_token.scope.split()) & client.scope_set  # type: ignore[attr-defined]
        reset = api_client.set(client.pk)
        try:
            return self.get_response(request)
        finally:
            api_client.reset(reset)
