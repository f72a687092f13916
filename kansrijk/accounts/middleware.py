"""Session limits and the second-factor gate.

SessionExpiryMiddleware ends a session after KANSRIJK_SESSION_IDLE_SECONDS without a request
and KANSRIJK_SESSION_ABSOLUTE_SECONDS after sign-in, whatever the cookie says.
SecondFactorMiddleware lets a signed-in professional who has not yet given a second factor
reach nothing but the second step, logout and public pages; the API answers 401 instead.
VerifiedUserMiddleware is django_otp's OTPMiddleware reading the session's device and its user
in one query.
Both must come after AuthenticationMiddleware, OTPMiddleware and MessageMiddleware."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import router
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from kansrijk.accounts import session_clock
from kansrijk.accounts.backends import DEVICE_USER
from kansrijk.compiled import compiled
from kansrijk.notifications.selectors import unread_count

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


class VerifiedUserMiddleware(OTPMiddleware):
    """django_otp's OTPMiddleware (request.user.otp_device, is_verified()), with the session's
    device read together with its user (select_related) and the user's count of unread
    notifications (the menu's badge): the user is then not read again (SessionUserBackend),
    two queries a page less (issue 17); the user itself, read now, is `request.user`. Django
    still checks the session against the user's password hash and that the user is active;
    django_otp still drops a device that is not the user's or not confirmed."""

    def _install_lazy_accessors(self, request: HttpRequest) -> None:
        """`request.user` read now and set as the user itself, not django_otp's lazy object
        around Django's lazy object: every later `request.user.x` went through both (an
        exception and four calls, ~2 µs; the agenda asks ~400 a page), and
        SessionExpiryMiddleware reads the user on every request anyway (issue 17)."""
        super()._install_lazy_accessors(request)
        if isinstance(getattr(request, "user", None), LazyObject):
            request.user = _unwrapped(request.user)

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        device = self._device_with_user(persistent_id) if persistent_id else None
        token = DEVICE_USER.set(device.user if device is not None else None)
        try:
            user = _unwrapped(user)  # Django's get_user, answered from the join
        finally:
            DEVICE_USER.reset(token)
        self._init_user_fields(user)
        if user.is_authenticated:
            user.otp_device = self._finalize_device(request, user, device)
        return user

    def _device_with_user(self, persistent_id: str) -> Device | None:
        try:
            label, number = self._normalize_persistent_id(persistent_id).rsplit("/", 1)
            model = apps.get_model(label)
            pk = int(number)
        except (ValueError, LookupError):
            return None
        if not issubclass(model, Device):
            return None
        return _read_device(model, pk)


def _unwrapped(user: Any) -> Any:
    """The object behind a lazy `request.user`, read now (the user itself unchanged)."""
    while isinstance(user, LazyObject):
        if user._wrapped is empty:  # type: ignore[attr-defined]  # set in __init__, no stub
            user._setup()  # type: ignore[attr-defined]
        user = user._wrapped  # type: ignore[attr-defined]
    return user


#: The stand-in for the device's id in its compiled read.
_DEVICE_PLACEHOLDER = -434343


def _read_device(model: type[Device], pk: int) -> Device | None:
    """The device with its user and the user's count of unread notifications (the menu's
    badge, core.navigation: no query of its own), as django_otp would read it, with SQL the
    ORM compiled once per process: every request reads it, and building and compiling the
    query cost more CPU than running it (issue 17)."""
    using = router.db_for_read(model)
    plan = compiled(
        ("otp-device", model._meta.label),
        using,
        lambda pk: (
            model.objects.using(using)
            .select_related("user")
            .annotate(unread_notifications=unread_count("user_id"))
            .filter(pk=pk)
        ),
        pk=_DEVICE_PLACEHOLDER,
    )
    found = plan.fetch(using, pk=pk)
    if not found:
        return None
    device: Device = found[0]
    device.user.unread_notifications = device.unread_notifications
    return device
