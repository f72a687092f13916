"""The Kansrijk API (django-ninja): the same services and permission checks as the pages.

Errors are answered as problem+json (RFC 9457), never as a 500 on bad input.
"""

from __future__ import annotations

import functools
import logging
import pickle
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern, URLResolver
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.core.outage import RETRY_AFTER, is_outage, outage_problem

PROBLEM = "application/problem+json"
logger = logging.getLogger(__name__)

DESCRIPTION = """
Signals, cases, the zorgroute, plans and the attention list of Kansrijk.

**Signing in.** The API uses the session of the web application: log in at `/login/`
and send the session cookie (`sessionid`) with every request. Without a session every
operation answers `401`.

**Partner systems** (a district team's system, a school administration, the region's BI)
use OAuth 2.0 client credentials instead: `POST /oauth/token/` with
`grant_type=client_credentials` and the client id and secret the administrator gave you
(HTTP Basic), then `Authorization: Bearer <token>` on each call — no session, no CSRF token.
A client acts as its organisation in one role (the permission matrix applies as to that
role), and each operation open to clients names the scope its token needs
(`involvement:write`, `matches:read`, `signals:write`, `monitor:read`). A bad, expired or
revoked token answers `401`, a missing scope `403`, too many calls per minute `429`
(`Retry-After`). Every call is in the access log with the client as actor.

**CSRF.** Requests that change something (`POST`) must also carry the CSRF token: read
it with `GET /api/csrf` (it is also set as the `csrftoken` cookie) and send it in the
`X-CSRFToken` header, together with the `csrftoken` cookie. Over HTTPS the `Referer` or
`Origin` header must name this site. Without a valid token the answer is `403`.

**Repeating a request.** Send an `Idempotency-Key` header with a `POST` (a UUID, say) and
a repeat of it — after a time-out, a double click — answers the first result instead of
creating a second signal, plan or note. The same key with another body answers `422`.

**Errors** are `application/problem+json` (RFC 9457): `type`, `title`, `status`,
`detail`, and for `422` the list `errors` (`loc`, `msg`, `type`). A case that does not
exist and one you may not see answer the same `404`.

**Language.** Labels, titles and details follow the `Accept-Language` header
(Dutch by default, English available).

**Access log.** Every read and write of a child's or family's data is recorded.
"""

#: The errors every operation can answer, whatever its parameters.
_COMMON_ERRORS = {
    401: "Not logged in, or the partner system's token is bad, expired or revoked.",
    403: "The partner system's token lacks the operation's scope (or the CSRF check failed).",
    422: "The request does not match the schema.",
    429: "The partner system made too many calls this minute (see Retry-After).",
}
#: Every operation but these may answer 404: an item that does not exist or that the user may
#: not see, and an operation the user's roles have no part in (the same answer, on purpose).
_NEVER_NOT_FOUND = {"kansrijk_cases_api_csrf_token"}
_NOT_FOUND = "There is no such item, or you may not see it."
_UNSAFE_ERRORS = {
    400: "The request body is not valid JSON.",
    403: "The CSRF token is missing or wrong, or the partner system's token lacks the scope.",
}


#: Every POST may carry it (kansrijk.core.idempotency): a repeat answers the first result.
IDEMPOTENCY_KEY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "A key of your choice (1-200 characters, e.g. a UUID) that makes this request happen "
        "once: a repeat with the same key and body within a day answers the first result "
        "(with the header `Idempotent-Replayed: true`) instead of doing it again; the same key "
        "with another body answers 422."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
}


class KansrijkAPI(NinjaAPI):
    """NinjaAPI whose operations answer for themselves (401, 405 as problems) and whose
    OpenAPI document says that every error is application/problem+json."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The OpenAPI document, pickled, per root and language (`get_openapi_schema`).
        self._documents: dict[tuple[str, str | None], bytes] = {}

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern) and pattern.name not in {
                "openapi-json",
                "openapi-view",
                "api-root",
            }:
                pattern.callback = _as_api_view(pattern.callback)
        return urls

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        """The document, built once per process, root and language: building it took 85 ms
        of CPU, each fetch of /api/openapi.json (issue 17). A copy of its own to each caller
        (unpickled from the kept bytes, 0.6 ms; a deep copy took 13): one may change it."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        key = (path_prefix, get_language())
        kept = self._documents.get(key)
        if kept is None:
            document = dict(self._document(path_prefix))  # its own fields hold the API
            kept = self._documents[key] = pickle.dumps(document, pickle.HIGHEST_PROTOCOL)
        return pickle.loads(kept)  # noqa: S301 - the bytes this process pickled above

    def _document(self, path_prefix: str) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix)
        problem_ref = {"$ref": "#/components/schemas/Problem"}
        for item in schema.get("paths", {}).values():
            for method, operation in item.items():
                responses = operation.setdefault("responses", {})
                errors = dict(_COMMON_ERRORS)
                if operation.get("operationId") not in _NEVER_NOT_FOUND:
                    errors[404] = _NOT_FOUND
                if method.lower() not in {"get", "head", "options"}:
                    errors.update(_UNSAFE_ERRORS)
                if method.lower() == "post":
                    operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY_PARAMETER)
                for status, description in errors.items():
                    responses.setdefault(status, {"description": description})
                for status, response in responses.items():
                    if int(status) >= 400:
                        response["content"] = {PROBLEM: {"schema": problem_ref}}
        _document_security(schema)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        if "Problem" not in components:
            from kansrijk.cases.schemas import Problem

            components.update(
                Problem.model_json_schema(ref_template="#/components/schemas/{model}").pop(
                    "$defs", {}
                )
            )
            components["Problem"] = Problem.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
            components["Problem"].pop("$defs", None)
        return schema


class ClientToken(HttpBearer):
    """A partner system's bearer token, checked before the view by
    kansrijk.clients.middleware (which answers 401 to a bad one); here it only names the
    client's account as the caller. Without the header the session is asked next."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if getattr(request, "api_client_scopes", None) is None:
            return None
        return request.user


def _document_security(schema: dict[str, Any]) -> None:
    """The OpenAPI document names both doors: the session, and OAuth 2.0 client credentials
    with the scope each operation open to partner systems needs."""
    from django.conf import settings

    from kansrijk.access.pages import CLIENT_SCOPES

    schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
    schemes["ClientToken"] = {
        "type": "oauth2",
        "description": "Partner systems: a token of the client-credentials flow.",
        "flows": {
            "clientCredentials": {
                "tokenUrl": "/oauth/token/",
                "scopes": dict(settings.OAUTH2_PROVIDER["SCOPES"]),  # type: ignore[call-overload]
            }
        },
    }
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            scope = CLIENT_SCOPES.get(f"{method.upper()} {path}")
            security: list[dict[str, list[str]]] = [{"SessionAuth": []}]
            if scope is not None:
                security.insert(0, {"ClientToken": [scope]})
            operation["security"] = security


def _as_api_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The API checks the session itself (401 problem instead of the login page's redirect),
    and a wrong method is a 405 problem like every other error."""

    @functools.wraps(view)
    def api_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type", "") != PROBLEM:
            allow = response.get("Allow", "")
            response = problem(request, 405, _("Method not allowed"))
            response["Allow"] = allow
        return response

    return login_not_required(api_view)


api = KansrijkAPI(
    title="Kansrijk API",
    version="1",
    description=DESCRIPTION,
    auth=[ClientToken(), SessionAuth()],
    urls_namespace="api",
    openapi_url="/openapi.json",
)


def problem(
    request: HttpRequest, status: int, title: str, detail: str = "", **extra: Any
) -> HttpResponse:
    body = {"type": "about:blank", "title": title, "status": status, **extra}
    if detail:
        body["detail"] = detail
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM
    return response


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "loc": [str(p) for p in e.get("loc", [])],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors
    ]
    return problem(
        request,
        422,
        _("Invalid request"),
        _("The request does not match the schema."),
        errors=errors,
    )


@api.exception_handler(CaseError)
def _refused(request: HttpRequest, exc: CaseError) -> HttpResponse:
    if exc.field:
        errors = [{"loc": ["body", exc.field], "msg": exc.message, "type": "value_error"}]
        return problem(
            request, 422, _("Invalid request"), exc.message, field=exc.field, errors=errors
        )
    return problem(request, 409, _("Not possible"), exc.message)


@api.exception_handler(NotFound)
@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, 404, _("Not found"), _("There is no such item, or you may not see it."))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(
        request,
        401,
        _("Not logged in"),
        _(
            "Log in first: the API uses the session of the web application, or a partner "
            "system's bearer token."
        ),
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    if status == 400:
        return problem(request, 400, _("Bad request"), _("The request body is not valid JSON."))
    if status == 403 and "CSRF" in exc.message:
        return problem(
            request,
            403,
            _("Forbidden"),
            _("The CSRF check failed: send the token of GET /api/csrf in the X-CSRFToken header."),
        )
    if status == 403:
        return problem(request, 403, _("Forbidden"))
    if status == 429:
        return problem(request, 429, _("Too many requests"))
    return problem(request, status, _("Error"), str(exc))


@api.exception_handler(SuspiciousOperation)
@api.exception_handler(MultiPartParserError)
def _unreadable(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A body Django cannot read (a multipart body without boundary, too many fields, too
    large) is the client's mistake, even when the CSRF check is the first to read it."""
    if isinstance(exc, RequestDataTooBig):
        return problem(request, 413, _("Request too large"))
    return problem(request, 400, _("Bad request"), _("The request body cannot be read."))


@api.exception_handler(Exception)
def _crashed(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API request failed: %s %s", request.method, request.path, exc_info=exc)
    if is_outage(exc):  # the database is unreachable: temporary, try again
        response = outage_problem(503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    return problem(request, 500, _("Server error"), _("Something went wrong on our side."))


api.add_router("/", "kansrijk.cases.api.router")

# Routers of the apps, mounted last so their handlers above apply to them too.
api.add_router("/meetings/", "kansrijk.meetings.api.router")
api.add_router("/safety/", "kansrijk.safety.api.router")
api.add_router("/audit/", "kansrijk.audit.api.router")
api.add_router("/privacy/", "kansrijk.privacy.api.router")
api.add_router("/monitor/", "kansrijk.monitor.api.router")
api.add_router("/matches/", "kansrijk.matches.api.router")


@login_not_required
def unknown_path(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any other address under /api/ answers a problem+json 404, not the HTML page."""
    return _not_found(request, NotFound())
