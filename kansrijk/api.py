"""The Kansrijk API (django-ninja): the same services and permission checks as the pages.

Errors are answered as problem+json (RFC 9457), never as a 500 on bad input.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import SessionAuth

from kansrijk.cases.errors import CaseError, NotFound

PROBLEM = "application/problem+json"

api = NinjaAPI(
    title="Kansrijk API",
    version="1",
    description="Signals, cases, the zorgroute, plans and the attention list.",
    auth=SessionAuth(),
    urls_namespace="api",
    openapi_url="/openapi.json",
)


def problem(request: HttpRequest, status: int, title: str, detail: str = "", **extra: Any) -> HttpResponse:
    body = {"type": "about:blank", "title": title, "status": status, **extra}
    if detail:
        body["detail"] = detail
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM
    return response


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"loc": [str(p) for p in e.get("loc", [])], "msg": str(e.get("msg", "")), "type": e.get("type", "")}
        for e in exc.errors
    ]
    return problem(request, 422, "Invalid request", "The request does not match the schema.", errors=errors)


@api.exception_handler(CaseError)
def _refused(request: HttpRequest, exc: CaseError) -> HttpResponse:
    extra = {"field": exc.field} if exc.field else {}
    return problem(request, 409 if not exc.field else 422, "Not possible", exc.message, **extra)


@api.exception_handler(NotFound)
@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, 404, "Not found")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(request, 401, "Not logged in")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, exc.status_code, str(exc) or "Error")


# Routers of the apps, mounted last so their handlers above apply to them too.
api.add_router("/monitor/", "kansrijk.monitor.api.router")
