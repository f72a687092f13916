"""Session limits and the second-factor gate.

SessionExpiryMiddleware ends a session after KANSRIJK_SESSION_IDLE_SECONDS without a request
and KANSRIJK_SESSION_ABSOLUTE_SECONDS after sign-in, whatever the cookie says.
SecondFactorMiddleware lets a signed-in professional who has not yet given a second factor
reach nothing but the second step, logout and public pages; the API answers 401 instead.
Both must come after AuthenticationMiddleware, OTPMiddleware and MessageMiddleware."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from kansrijk.accounts import session_clock

#: Views a half-signed-in professional may reach (besides public, login_not_required ones).
SECOND_STEP_VIEWS = frozenset({"core:logout"})
API_NAMESPACE = "api"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)


def second_factor_exempt(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view that a professional may use between password and second factor."""
    view.second_factor_exempt = True  # type: ignore[attr-defined]
    return view


def is_verified(user: Any) -> bool:
    """True once the session holds a second factor (set by django_otp's OTPMiddleware)."""
    return bool(user.is_authenticated and user.is_verified())


def _is_api(request: HttpRequest) -> bool:
    match = request.resolver_match
    return match is not None and API_NAMESPACE in match.namespaces


class SessionExpiryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    @staticmethod
    def _check(request: HttpRequest) -> None:
        session = request.session
        now = time.time()
        idle_limit = settings.KANSRIJK_SESSION_IDLE_SECONDS
        started = session.get(session_clock.STARTED_KEY)
        last = session.get(session_clock.LAST_ACTIVITY_KEY)
        if started is None or last is None:
            session_clock.start(session, now)
            return
        if now - last > idle_limit or now - started > settings.KANSRIJK_SESSION_ABSOLUTE_SECONDS:
            logout(request)  # flushes the session; the request goes on as anonymous
            if not request.path.startswith("/api/"):
                messages.warning(request, _("Your session has expired. Log in again."))
            return
        # Saving the session on every request would cost a write per page; a tenth of the idle
        # limit (at most a minute) is precise enough.
        if now - last > min(60, idle_limit / 10):
            session[session_clock.LAST_ACTIVITY_KEY] = now


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if _is_api(request):
            if not getattr(view_func, "login_required", True) and not user.is_authenticated:
                return None
            if not user.is_authenticated:
                return _api_problem(request, _("Not logged in"))
            if not is_verified(user):
                return _api_problem(request, _("Second factor required"))
            return None
        if not user.is_authenticated or is_verified(user):
            return None
        if not getattr(view_func, "login_required", True):
            return None  # public pages stay public
        if getattr(view_func, "second_factor_exempt", False):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in SECOND_STEP_VIEWS:
            return None
        target = reverse("accounts:verify")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)


def _api_problem(request: HttpRequest, title: str) -> HttpResponse:
    from kansrijk.api import problem  # the API module loads the routers; import it late

    return problem(request, 401, title)


class PermissionsPolicyMiddleware:
    """Turn off browser features Kansrijk never uses (camera, location, ...)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
