"""THE gate: every request to a page or API operation passes the rule `access.pages` names.

The middleware runs after sign-in (and the second factor) and before the view. It looks up
the rule of the resolved page (by URL name) or API operation (by method and OpenAPI path)
and applies it: a page without a rule does not serve, a role outside the rule and a case the
user may not reach answer the same 404 as a missing page. Views and services still refuse
what their own object needs (an OBJECT rule), but no page can forget the gate.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from kansrijk.access.pages import API, CLIENT_SCOPES, PAGES, Rule, Scope
from kansrijk.access.policies import granting_roles, one_page, roles_of

#: The API's own documents (the OpenAPI schema and its viewer): for every signed-in user.
#: Ids beyond a database integer are no object's: pages answer 404, the API validates them.
MAX_ID = 2**31 - 1
API_DOCUMENTS = frozenset({"api:openapi-json", "api:openapi-view", "api:api-root"})
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def api_operation(method: str, route: str) -> str:
    """'GET', 'api/cases/<int:case_id>' -> 'GET /api/cases/{case_id}' (as in OpenAPI)."""
    path = _CONVERTER.sub(r"{\1}", route)
    return f"{method.upper()} /{path}"


def _api_paths() -> set[str]:
    return {operation.split(" ", 1)[1] for operation in API}


def page_rule(view_name: str) -> Rule | None:
    rule = PAGES.get(view_name)
    if rule is None and ":" in view_name:
        rule = PAGES.get(view_name.rsplit(":", 1)[0] + ":*")
    return rule


def allowed(request: HttpRequest, rule: Rule, kwargs: dict[str, Any], *, api: bool) -> bool:
    """Does the rule let this signed-in user through to the view? An API request whose case
    id is no valid id goes on to the operation, which answers 422 as its schema says."""
    user: Any = request.user
    if rule.scope in (Scope.PUBLIC, Scope.PROFESSIONAL, Scope.OBJECT):
        return True
    if rule.scope == Scope.ROLES:
        return bool(roles_of(user) & rule.roles)
    if rule.scope == Scope.CASE:
        try:
            case_id = int(kwargs["case_id"])
        except (KeyError, TypeError, ValueError):
            return api
        if not 1 <= case_id <= MAX_ID:
            return api
        return any(granting_roles(user, case_id, action) for action in rule.actions)
    return False


def _api_not_found(request: HttpRequest) -> HttpResponse:
    body = {
        "type": "about:blank",
        "title": _("Not found"),
        "status": 404,
        "detail": _("There is no such item, or you may not see it."),
    }
    return JsonResponse(body, status=404, content_type="application/problem+json")


def _api_insufficient_scope(request: HttpRequest, needed: str | None) -> HttpResponse:
    """A partner system's token without the operation's scope (or an operation not open to
    partner systems at all): 403, naming the scope as RFC 6750 does."""
    body = {
        "type": "about:blank",
        "title": _("Insufficient scope"),
        "status": 403,
        "detail": (
            _("This operation needs the scope %(scope)s.") % {"scope": needed}
            if needed
            else _("This operation is not open to partner systems.")
        ),
    }
    response = JsonResponse(body, status=403, content_type="application/problem+json")
    response["WWW-Authenticate"] = 'Bearer error="insufficient_scope"' + (
        f' scope="{needed}"' if needed else ""
    )
    return response


class GateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            # A read changes no relation: the gate's check of a case and the page's own
            # checks (summary, full, edit, transitions …) are one query (issue 17).
            with one_page():
                return self.get_response(request)
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None:
            return None
        if match.view_name.startswith("api:") or request.path_info.startswith("/api/"):
            return self._api(request, match.view_name, match.route, view_kwargs)
        rule = page_rule(match.view_name)
        if rule is None:
            raise Http404
        if rule.scope == Scope.PUBLIC or not request.user.is_authenticated:
            return None  # anonymous: the login requirement answers before the view
        if not allowed(request, rule, view_kwargs, api=False):
            raise Http404
        return None

    def _api(
        self, request: HttpRequest, view_name: str, route: str, kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        if view_name in API_DOCUMENTS:
            return None
        operation = api_operation(request.method or "GET", route)
        rule = API.get(operation)
        if rule is None:
            if operation.split(" ", 1)[1] in _api_paths():
                return None  # a path with other methods: the API answers 405
            return _api_not_found(request)
        scopes = getattr(request, "api_client_scopes", None)  # a partner system's token
        if scopes is not None and CLIENT_SCOPES.get(operation) not in scopes:
            return _api_insufficient_scope(request, CLIENT_SCOPES.get(operation))
        if rule.scope == Scope.PUBLIC or not request.user.is_authenticated:
            return None  # the API's own authentication answers 401
        if not allowed(request, rule, kwargs, api=True):
            return _api_not_found(request)
        return None
