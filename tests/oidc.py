"""A real OpenID Connect provider (oidc-provider-mock) on a free local port, standing in for
the municipality's DigiD broker: the same code flow, signed ID tokens and JWKS. A test
registers a family member with `provider.person(bsn)`; their claims carry the BSN the way
the broker hands it over (`sub` and the "bsn" claim)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import oidc_provider_mock
import pytest
import requests
import werkzeug.serving
from django.test import Client
from django.urls import reverse


@dataclass
class Provider:
    url: str

    def person(self, bsn: str, **claims: Any) -> str:
        """Make the provider know someone with this BSN; returns their `sub`."""
        response = requests.put(f"{self.url}/users/{bsn}", json={"bsn": bsn, **claims}, timeout=10)
        response.raise_for_status()
        return bsn

    def approve(self, authorize_url: str, sub: str) -> str:
        """What a person does at the broker: sign in as `sub`; returns the redirect back."""
        response = requests.post(
            authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10
        )
        assert response.status_code == 302, response.text[:500]
        return str(response.headers["Location"])


@pytest.fixture(scope="session")
def oidc_server() -> Iterator[str]:
    server = werkzeug.serving.make_server(
        "127.0.0.1", 0, oidc_provider_mock.app(require_nonce=True), threaded=True
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


@pytest.fixture
def oidc_provider(settings: Any, oidc_server: str) -> Provider:
    """The provider, with the portal's settings pointed at it (as conf.dev does for the demo)."""
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{oidc_server}/oauth2/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{oidc_server}/oauth2/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{oidc_server}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{oidc_server}/jwks"
    settings.OIDC_RP_CLIENT_ID = "kansrijk-test"
    settings.OIDC_RP_CLIENT_SECRET = "test-secret"
    settings.OIDC_VERIFY_KID = False  # the mock signs with its one key and names no kid
    return Provider(oidc_server)


def portal_sign_in(client: Client, provider: Provider, bsn: str) -> Any:
    """Sign in to the portal through the real code flow; returns the callback's answer."""
    sub = provider.person(bsn)
    start = client.get(reverse("portal:login"))
    assert start.status_code == 302
    assert start["Location"].startswith(provider.url)
    back = urlsplit(provider.approve(start["Location"], sub))
    return client.get(f"{back.path}?{back.query}")
