"""Schemathesis against the API's own OpenAPI document, through the real WSGI application,
once with a signed-in session and once with partner systems' bearer tokens (OAuth 2.0 client
credentials, issue 20): whatever it sends, no 5xx, and every answer is one the document
promises (status code, content type, body schema)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kansrijk.access.roles import Role
from kansrijk.api import api
from kansrijk.cases import services
from kansrijk.cases.models import Child
from kansrijk.core.models import Organisation
from tests.auth import sign_in
from tests.conftest import World, make_world
from tests.factories import ChildFactory, professional
from tests.module_data import module_data

MAX_EXAMPLES = 20
APPLICATION = get_wsgi_application()
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@dataclass
class Session:
    cookies: dict[str, str]
    headers: dict[str, str]
    document: dict[str, Any]
    #: Per router (path prefix), the signed-in professional whose work it is.
    by_prefix: dict[str, tuple[dict[str, str], dict[str, str]]]

    def for_path(self, path: str) -> tuple[dict[str, str], dict[str, str]]:
        for prefix, found in self.by_prefix.items():
            if path.startswith(prefix):
                return found
        return self.cookies, self.headers


def _signed_in(user: Any) -> tuple[dict[str, str], dict[str, str]]:
    client = sign_in(Client(), user)
    token = client.get("/api/csrf").json()["csrf_token"]
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    return cookies, {"X-CSRFToken": token, "Accept-Language": "en"}


@contextmanager
def transaction_kept_open() -> Iterator[None]:
    """The WSGI handler closes 'old' connections around each request; inside the test's
    transaction that would close it (on PostgreSQL), so the fuzzer's requests keep it open, as
    Django's own test client does (which also reconnects the receivers after each request)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _session(world: World) -> Session:
    """The internal coach of the school, signed in, with a case on the route to fuzz."""
    for _ in range(2):
        services.signal_create(
            by=world.teacher,
            child=cast(Child, ChildFactory(location=world.school)),
            domain="learning",
            urgency="normal",
            description="Leest nog niet vlot.",
        )
    client = sign_in(Client(), world.coach)
    token = client.get("/api/csrf").json()["csrf_token"]
    document = client.get("/api/openapi.json").json()
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    officer = professional(
        Role.PRIVACY_OFFICER,
        None,
        organisation=Organisation.objects.create(name="FG", kind="partner"),
        username="fg",
    )
    return Session(
        cookies=cookies,
        headers={"X-CSRFToken": token, "Accept-Language": "en"},
        document=document,
        by_prefix={
            "/api/audit/": _signed_in(officer),
            "/api/privacy/": _signed_in(officer),
            "/api/monitor/": _signed_in(world.policy_officer),
            "/api/meetings/": _signed_in(world.coordinator),
        },
    )


# The document /api/openapi.json serves (it needs a session, so it is built here the same way;
# test_the_fuzzed_document_is_the_served_one checks that they agree). Loaded at import, as
# schemathesis' lazy fixture loader does not work with pytest 9.
# Every router: the zorgroute, meetings, safety, audit, privacy (inzage) and the monitor, each
# with the professional whose work it is (Session.for_path).
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/"))
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=MAX_EXAMPLES
)
# The coverage phase's ~800 boundary cases take minutes; test_api.py sends those boundaries
# (huge ids, NUL bytes, long strings, bad dates, unknown values) one by one.
schema.config.phases.update(phases=["examples", "fuzzing"])


def test_the_fuzzed_document_is_the_served_one(session: Session) -> None:
    assert session.document == json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/")))


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_promises(case: Any, session: Session) -> None:
    cookies, headers = session.for_path(case.path)
    with transaction_kept_open():
        response = case.call(app=APPLICATION, headers=headers, cookies=cookies)
    case.validate_response(response, checks=CHECKS, headers=headers)


@dataclass
class Tokens:
    """Per router (path prefix), the bearer token of the partner system whose work it is."""

    default: dict[str, str]
    by_prefix: dict[str, dict[str, str]]

    def for_path(self, path: str) -> dict[str, str]:
        for prefix, headers in self.by_prefix.items():
            if path.startswith(prefix):
                return headers
        return self.default


def _bearer(client: Any, secret: str) -> dict[str, str]:
    import base64

    basic = base64.b64encode(f"{client.application.client_id}:{secret}".encode()).decode()
    answer = Client().post(
        "/oauth/token/",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert answer.status_code == 200, answer.content
    return {"Authorization": f"Bearer {answer.json()['access_token']}", "Accept-Language": "en"}


def _tokens(world: World) -> Tokens:
    """A district team's system (involvement and matches), a school administration acting as
    the school's IB (signals) and the region's BI (the monitor), each with its own token."""
    from kansrijk.clients.services import partner_client_create

    district = Organisation.objects.get(name="Wijkteam Westwijk")
    wot, wot_secret = partner_client_create(
        by=None, name="RONDOM WOT", organisation=district, role=Role.DISTRICT_TEAM,
        scopes=["involvement:write", "matches:read"],
    )  # fmt: skip
    school, school_secret = partner_client_create(
        by=None, name="ParnasSys", organisation=world.school.organisation,
        role=Role.INTERNAL_COACH, location=world.school, scopes=["signals:write"],
    )  # fmt: skip
    bi, bi_secret = partner_client_create(
        by=None, name="Regio BI", organisation=Organisation.objects.get(kind="municipality"),
        role=Role.POLICY_OFFICER, scopes=["monitor:read"],
    )  # fmt: skip
    for _ in range(2):
        ChildFactory(location=world.school, bsn=None)
    district_headers = _bearer(wot, wot_secret)
    return Tokens(
        default=district_headers,
        by_prefix={
            "/api/signals": _bearer(school, school_secret),
            "/api/pupils": _bearer(school, school_secret),
            "/api/monitor/": _bearer(bi, bi_secret),
        },
    )


def _build() -> tuple[Session, Tokens]:
    world = make_world()
    return _session(world), _tokens(world)


#: The world, the signed-in sessions and the partner systems' tokens, built once for the
#: module (tests/module_data.py): building them took ~1.5 s before each of the ~60 operations.
#: Each operation's examples run in a savepoint of their own within it.
_signed_in_once = module_data(_build)


@pytest.fixture
def session(_signed_in_once: tuple[Session, Tokens], db: None) -> Session:
    return _signed_in_once[0]


@pytest.fixture
def tokens(_signed_in_once: tuple[Session, Tokens], db: None, settings: Any) -> Tokens:
    settings.KANSRIJK_API_CLIENT_RATE_PER_MINUTE = 100_000  # the fuzzer is not a flood
    return _signed_in_once[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_promises_to_partner_systems(case: Any, tokens: Tokens) -> None:
    headers = tokens.for_path(case.path)
    with transaction_kept_open():
        response = case.call(app=APPLICATION, headers=headers)
    case.validate_response(response, checks=CHECKS, headers=headers)


def test_every_schema_name_is_unique():
    """Two response schemas with one name would be merged in the OpenAPI document, and a
    client would read one shape for the other."""
    from ninja import Schema

    from kansrijk.api import api

    api.get_openapi_schema()
    names: dict[str, type] = {}
    for cls in _all_subclasses(Schema):
        if cls.__module__.startswith("kansrijk."):
            other = names.setdefault(cls.__name__, cls)
            assert other is cls, f"{cls.__name__} in {cls.__module__} and {other.__module__}"


def _all_subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_all_subclasses(sub)]
    return found


def test_the_get_operations_that_answer_404_document_it():
    """The audit entries, the monitor's figures, references and report and both inzage
    operations answer 404 to whoever may not use them; their documents said nothing of it."""
    document = api.get_openapi_schema(path_prefix="/api/")
    for path in (
        "/api/audit/entries",
        "/api/monitor/figures",
        "/api/monitor/references",
        "/api/monitor/report",
        "/api/privacy/families/{family_id}/inzage",
        "/api/privacy/children/{child_id}/inzage",
    ):
        responses = document["paths"][path]["get"]["responses"]
        assert "application/problem+json" in responses[404]["content"], path
