"""The token endpoint grants a client only the scopes the administrator gave it, and nothing
to a client that was switched off."""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator


def _partner(client: Any) -> Any:
    return getattr(client, "partner", None) if client is not None else None


class ClientScopesValidator(OAuth2Validator):
    def authenticate_client(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not super().authenticate_client(request, *args, **kwargs):
            return False
        partner = _partner(request.client)
        return partner is not None and partner.active

    def validate_scopes(
        self,
        client_id: str,
        scopes: list[str],
        client: Any,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        partner = _partner(client)
        return partner is not None and set(scopes) <= partner.scope_set

    def get_default_scopes(
        self, client_id: str, request: Any, *args: Any, **kwargs: Any
    ) -> list[str]:
        partner = _partner(request.client)
        return sorted(partner.scope_set) if partner is not None else []
