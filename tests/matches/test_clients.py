"""Partner systems' tokens: only the scopes the administrator gave, problem+json for a bad,
expired or revoked token (401), a missing scope (403) and too many calls (429); the OpenAPI
document names both security schemes."""

from __future__ import annotations

import base64
import datetime
from typing import Any

from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken

from kansrijk.access.roles import Role
from kansrijk.clients.models import PartnerClient
from kansrijk.clients.services import partner_client_create
from kansrijk.core.models import Organisation
from tests.conftest import World

PROBLEM = "application/problem+json"


def _client(world: World, scopes: list[str]) -> tuple[PartnerClient, str]:
    return partner_client_create(
        by=None, name="RONDOM WOT", organisation=Organisation.objects.get(name="Wijkteam Westwijk"),
        role=Role.DISTRICT_TEAM, scopes=scopes,
    )  # fmt: skip


def _ask(client: PartnerClient, secret: str, **data: str) -> Any:
    basic = base64.b64encode(f"{client.application.client_id}:{secret}".encode()).decode()
    return Client().post(
        "/oauth/token/",
        {"grant_type": "client_credentials", **data},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )


def _bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": "en"}


def test_a_token_carries_only_the_granted_scopes(world: World) -> None:
    client, secret = _client(world, ["matches:read"])
    granted = _ask(client, secret)
    assert granted.status_code == 200 and granted.json()["scope"] == "matches:read"
    assert _ask(client, secret, scope="monitor:read").json()["error"] == "invalid_scope"
    assert _ask(client, "wrong").status_code == 401
    client.active = False
    client.save()
    assert _ask(client, secret).status_code == 401  # a switched-off client gets no token


def test_bad_expired_and_missing_scope_answer_problems(world: World) -> None:
    client, secret = _client(world, ["matches:read"])
    token = _ask(client, secret).json()["access_token"]
    web = Client()
    assert web.get("/api/matches/", **_bearer(token)).status_code == 200
    register = web.post(
        "/api/matches/involvements", {"bsn": "111222333"}, content_type="application/json",
        **_bearer(token),
    )  # fmt: skip
    assert register.status_code == 403 and register["Content-Type"] == PROBLEM
    assert 'scope="involvement:write"' in register["WWW-Authenticate"]
    assert web.get("/api/audit/entries", **_bearer(token)).status_code == 403
    bad = web.get("/api/matches/", **_bearer("not-a-token"))
    assert bad.status_code == 401 and bad["Content-Type"] == PROBLEM
    AccessToken.objects.update(expires=timezone.now() - datetime.timedelta(seconds=1))
    expired = web.get("/api/matches/", **_bearer(token))
    assert expired.status_code == 401 and expired.json()["title"] == "Invalid token"


def test_too_many_calls_answer_429(world: World, settings: Any) -> None:
    settings.KANSRIJK_API_CLIENT_RATE_PER_MINUTE = 2
    client, secret = _client(world, ["matches:read"])
    token = _ask(client, secret).json()["access_token"]
    web = Client()
    answers = [web.get("/api/matches/", **_bearer(token)) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2]["Retry-After"] == "60" and answers[2]["Content-Type"] == PROBLEM


def test_the_openapi_document_names_the_client_credentials_flow() -> None:
    from kansrijk.api import api

    document = api.get_openapi_schema(path_prefix="/api/")
    scheme = document["components"]["securitySchemes"]["ClientToken"]
    assert scheme["flows"]["clientCredentials"]["tokenUrl"] == "/oauth/token/"
    assert set(scheme["flows"]["clientCredentials"]["scopes"]) == {
        "involvement:write", "matches:read", "signals:write", "monitor:read",
    }  # fmt: skip
    post = document["paths"]["/api/matches/involvements"]["post"]
    assert {"ClientToken": ["involvement:write"]} in post["security"]
    assert document["paths"]["/api/cases"]["get"]["security"] == [{"SessionAuth": []}]
