"""The second step of signing in, the invitation link (first password), enrolment of an
authenticator app, recovery codes, the password change page and the lockout page."""

from __future__ import annotations

from base64 import b32encode
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

import django_otp
import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kansrijk.accounts import selectors, services
from kansrijk.accounts.demo import code_on_page
from kansrijk.accounts.forms import CodeForm
from kansrijk.accounts.middleware import is_verified, second_factor_exempt

if TYPE_CHECKING:
    from kansrijk.core.models import Professional

#: Recovery codes are shown once: kept in the session only until the page shows them.
RECOVERY_CODES_SESSION_KEY = "kansrijk_new_recovery_codes"
#: Set when an invitation's password was set: only then may this session connect a first app.
ENROLMENT_SESSION_KEY = "kansrijk_invited_enrolment"
LOGIN_BACKEND = "kansrijk.accounts.backends.SessionUserBackend"
TEXTBOX = "utrecht-textbox utrecht-textbox--html-input"


def next_url(request: HttpRequest) -> str:
    """Where to go after the second step: the asked-for page on this site, or My work."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def second_step_url(next_to: str) -> str:
    """The page after a correct password (used by core.views.LoginView)."""
    return reverse("accounts:verify") + "?" + urlencode({"next": next_to})


def _with_next(name: str, next_to: str) -> str:
    return reverse(name) + "?" + urlencode({"next": next_to})


def _professional(request: HttpRequest) -> Professional:
    """The signed-in professional (these views are behind the login)."""
    return cast("Professional", request.user)


def _credentials(request: HttpRequest) -> dict[str, str]:
    return {"username": request.user.get_username()}


@login_not_required
def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The lockout page (AXES_LOCKOUT_CALLABLE): a plain explanation, not an error page."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


def _lock_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return locked_out(request)


@second_factor_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Second step: a code from the authenticator app, or one recovery code."""
    user = _professional(request)
    next_to = next_url(request)
    if is_verified(user):
        return HttpResponseRedirect(next_to)
    if services.confirmed_totp_device(user) is None:
        return HttpResponseRedirect(_with_next("accounts:enrol", next_to))
    if not AxesProxyHandler.is_allowed(request, _credentials(request)):
        return _lock_out(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = services.second_factor_check(by=user, code=form.cleaned_data["code"])
        if check.device is not None:
            django_otp.login(request, check.device)
            request.session.cycle_key()
            AxesProxyHandler.reset_attempts(
                username=user.get_username(), ip_address=getattr(request, "axes_ip_address", None)
            )
            if check.used_recovery_code:
                left = services.recovery_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code. You have %(count)d recovery code left.",
                        "You used a recovery code. You have %(count)d recovery codes left.",
                        left,
                    )
                    % {"count": left},
                )
            return HttpResponseRedirect(next_to)
        if check.throttled:
            form.add_error("code", _("Too many wrong codes in a row. Wait a moment and try again."))
        else:
            # A wrong code counts as a failed login: logged, and towards the lockout.
            user_login_failed.send(
                sender=__name__, credentials=_credentials(request), request=request
            )
            if getattr(request, "axes_locked_out", False):
                return _lock_out(request)
            form.add_error("code", _("This code is not correct. Try again."))
    return render(
        request,
        "accounts/verify.html",
        {"form": form, "next": next_to, "demo_code": code_on_page(user)},
    )


@second_factor_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in: connect an authenticator app by QR code (or by typing the secret)."""
    user = _professional(request)
    next_to = next_url(request)
    if is_verified(user):
        return HttpResponseRedirect(next_to)
    if services.confirmed_totp_device(user) is not None:
        return HttpResponseRedirect(_with_next("accounts:verify", next_to))
    if request.session.get(ENROLMENT_SESSION_KEY) != user.pk:
        # A password alone does not connect a first app: that goes through the invitation.
        return render(request, "accounts/enrol_closed.html", status=403)
    device = services.totp_enrolment_start(by=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        enrolment = services.totp_enrolment_confirm(
            by=user,
            device=device,
            code=form.cleaned_data["code"],
        )
        if enrolment is not None:
            django_otp.login(request, enrolment.device)
            request.session.cycle_key()
            request.session.pop(ENROLMENT_SESSION_KEY, None)
            request.session[RECOVERY_CODES_SESSION_KEY] = enrolment.recovery_codes
            return HttpResponseRedirect(_with_next("accounts:recovery_codes", next_to))
        form.add_error(
            "code", _("This code is not correct. Check the time on your phone and try again.")
        )
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "next": next_to,
        "qr_data_uri": qr.svg_data_uri(scale=5, border=2),
        "secret": secret,
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
    }
    return render(request, "accounts/enrol.html", context)


class InvitationPasswordForm(SetPasswordForm):
    """The first password, with the validators of AUTH_PASSWORD_VALIDATORS."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", TEXTBOX)

    def save(self, commit: bool = True) -> Any:  # the service sets the password
        raise NotImplementedError


@login_not_required
@second_factor_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation mail: set a password, then connect the authenticator app."""
    found = selectors.invitation_by_token(token)
    if found is None or not found.is_usable() or not found.professional.is_active:
        return _invitation_invalid(request, token, found)
    if request.user.is_authenticated and request.user.pk != found.professional_id:
        logout(request)  # someone else's session in this browser
    form = InvitationPasswordForm(found.professional, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            professional = services.invitation_accept(
                token=token, password=form.cleaned_data["new_password1"]
            )
        except services.AccountRefused:
            return _invitation_invalid(request, token, found)
        login(request, professional, backend=LOGIN_BACKEND)
        request.session[ENROLMENT_SESSION_KEY] = professional.pk
        return HttpResponseRedirect(
            _with_next("accounts:enrol", resolve_url(settings.LOGIN_REDIRECT_URL))
        )
    context = {"form": form, "professional": found.professional, "expires_at": found.expires_at}
    return render(request, "accounts/invitation.html", context)


def _invitation_invalid(request: HttpRequest, token: str, found: Any) -> HttpResponse:
    if found is None:
        why = _("This link is not known. Check that you copied the whole link from the mail.")
    elif found.used_at is not None:
        why = _("This link has already been used. Each link works once.")
    elif found.withdrawn_at is not None:
        why = _("This link has been replaced by a newer one. Use the link in the latest mail.")
    else:
        why = _("This link has expired. A link works for 72 hours.")
    context = {"why": why, "token": token, "can_ask": found is not None}
    return render(request, "accounts/invitation_invalid.html", context, status=410)


@login_not_required
@second_factor_exempt
@never_cache
@require_http_methods(["POST"])
def invitation_ask_again(request: HttpRequest, token: str) -> HttpResponse:
    """A new link for an expired or used one; the page says the same whatever happened."""
    services.invitation_ask_again(token=token)
    return render(request, "accounts/invitation_asked.html")


@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes are shown once, right after they are made; POST makes new ones."""
    if request.method == "POST":
        request.session[RECOVERY_CODES_SESSION_KEY] = services.recovery_codes_renew(
            by=_professional(request)
        )
        return HttpResponseRedirect(_with_next("accounts:recovery_codes", next_url(request)))
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    context = {
        "codes": codes,
        "left": services.recovery_codes_left(_professional(request)),
        "next": next_url(request),
    }
    return render(request, "accounts/recovery_codes.html", context)


@never_cache
def security(request: HttpRequest) -> HttpResponse:
    """The professional's own sign-in settings: password and recovery codes."""
    context = {"left": services.recovery_codes_left(_professional(request))}
    return render(request, "accounts/security.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the password; the validators of AUTH_PASSWORD_VALIDATORS apply (12+ characters,
    not a common one, not like the username)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:security")

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        for field in form.fields.values():
            field.widget.attrs.setdefault("class", TEXTBOX)
        return form

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response
