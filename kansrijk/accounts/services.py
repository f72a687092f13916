"""Accounts: invitations (the first password and authenticator app), the second factor
(enrolment, recovery codes, checking a code, a reset after a lost phone) and leavers.

The only module of this app that writes (house rule 1). Every outcome that matters for an
investigation (invited, enrolled, verified, recovery codes renewed, reset, deactivated) leaves
an access-log entry in the same transaction."""

from __future__ import annotations

import datetime
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kansrijk.access.policies import roles_of
from kansrijk.access.roles import Role
from kansrijk.accounts.models import Invitation
from kansrijk.accounts.selectors import invitation_by_token, responsibilities_of
from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access

if TYPE_CHECKING:
    from kansrijk.core.models import Professional

TOTP_DEVICE_NAME = "authenticator app"
RECOVERY_DEVICE_NAME = "recovery codes"
RECOVERY_CODE_COUNT = 10
TOTP_DIGITS = 6


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    recovery_codes: list[str]


@dataclass(frozen=True)
class Check:
    """The outcome of a code: the device that accepted it, or why none did."""

    device: Device | None
    throttled: bool = False

    @property
    def used_recovery_code(self) -> bool:
        return isinstance(self.device, StaticDevice)


def normalise_code(code: str) -> str:
    """People type codes with spaces or dashes, and recovery codes in capitals."""
    return "".join(code.split()).replace("-", "").lower()


def is_totp_code(code: str) -> bool:
    return len(code) == TOTP_DIGITS and code.isascii() and code.isdigit()


def confirmed_totp_device(user: Professional) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user: Professional) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def totp_enrolment_start(*, by: Professional) -> TOTPDevice:
    """The unconfirmed device being enrolled; the same one on every visit, so the QR code
    a person already scanned stays valid when the page is reloaded."""
    device = TOTPDevice.objects.filter(user=by, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=by, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_enrolment_confirm(*, by: Professional, device: TOTPDevice, code: str) -> Enrolment | None:
    """Confirm the device with a code from the app; then hand out fresh recovery codes."""
    code = normalise_code(code)
    if not is_totp_code(code):
        return None
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().filter(pk=device.pk, user=by).first()
        if locked is None or not locked.verify_is_allowed()[0]:
            return None
        forget_a_future_window(locked)
        if not locked.verify_token(code):
            return None
        locked.confirmed = True
        locked.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=by).exclude(pk=locked.pk).delete()
        codes = _replace_recovery_codes(by)
        log_access(
            by=by,
            event=Event.LOGIN,
            purpose="authentication",
            detail="second factor enrolled: authenticator app",
        )
    return Enrolment(device=locked, recovery_codes=codes)


def recovery_codes_renew(*, by: Professional) -> list[str]:
    """New recovery codes; the old ones stop working at once."""
    with transaction.atomic():
        codes = _replace_recovery_codes(by)
        log_access(
            by=by, event=Event.LOGIN, purpose="authentication", detail="recovery codes renewed"
        )
    return codes


def _replace_recovery_codes(user: Professional) -> list[str]:
    # Keep the device itself: a session verified by a recovery code names this device, and
    # django_otp drops the verification of a session whose device is gone.
    device = StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    StaticToken.objects.filter(device=device).delete()
    codes: list[str] = []
    while len(codes) < RECOVERY_CODE_COUNT:
        token = StaticToken.random_token()
        if token not in codes:
            codes.append(token)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=token) for token in codes)
    return codes


def forget_a_future_window(device: TOTPDevice, now: float | None = None) -> None:
    """Undo what a forward jump of the server clock left behind.

    A device refuses every code of a time step up to the last one it accepted (replay
    protection). When the clock ran ahead — an hour, say — and a code was accepted then (a
    phone whose clock jumped too, the demo's code), that last step lies in the future once the
    clock is right again, and every real code is refused until real time catches up. A last
    step beyond the device's tolerance window of now cannot come from a correct clock: it is
    brought back to just before that window, and the learned drift is dropped. Codes within the
    window of now stay protected against replay as before. Keep the clock right (NTP, see
    docs/operations.md): this only repairs after the fact."""
    moment = time.time() if now is None else now
    current = int((moment - device.t0) // device.step)
    if device.last_t > current + device.drift + device.tolerance:
        device.last_t = current - device.tolerance - 1
        device.drift = 0
        device.save(update_fields=["last_t", "drift"])


def second_factor_check(*, by: Professional, code: str) -> Check:
    """Check a 6-digit app code or a recovery code (each recovery code works once).

    The devices are locked for the check so two simultaneous tries cannot both use the same
    code; the device's own throttling (growing delays after failures) applies."""
    code = normalise_code(code)
    if not code:
        return Check(device=None)
    wanted: type[Device] = TOTPDevice if is_totp_code(code) else StaticDevice
    throttled = False
    with transaction.atomic():
        for device in devices_for_user(by, confirmed=True, for_verify=True):
            if not isinstance(device, wanted):
                continue
            if not device.verify_is_allowed()[0]:
                throttled = True
                continue
            if isinstance(device, TOTPDevice):
                forget_a_future_window(device)
            if device.verify_token(code):
                kind = "authenticator app" if wanted is TOTPDevice else "recovery code"
                log_access(
                    by=by,
                    event=Event.LOGIN,
                    purpose="authentication",
                    detail=f"second factor verified: {kind}",
                )
                return Check(device=device)
    return Check(device=None, throttled=throttled)


# --- invitations ------------------------------------------------------------------------------

INVITATION_VALID_FOR = datetime.timedelta(hours=72)
#: "Send me a new link" sends nothing when the last invitation is younger than this.
ASK_AGAIN_INTERVAL = datetime.timedelta(minutes=5)
MANAGEMENT = "management"  # the same purpose as the management area's own entries


class AccountRefused(Exception):
    """The administrator's request cannot be done; the message says why, in plain Dutch."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _require_administrator(by: Professional | None) -> None:
    if by is not None and Role.ADMINISTRATOR not in roles_of(by):
        raise AccountRefused(_("Only the functional administrator can do this."))


def invitation_send(
    *,
    by: Professional | None,
    professional: Professional,
    reason: str = Invitation.Reason.NEW_ACCOUNT,
) -> Invitation:
    """Mail `professional` a single-use link (valid 72 hours) to set a password and connect
    the authenticator app; earlier links stop working. `by` is the administrator (or None for
    the system, e.g. a link asked for again). The mail goes out after commit; the link's token
    is made when the mail is sent and only its hash is kept (accounts.tasks.mail_invitation).

    Refused for a deactivated account, one without an e-mail address, and one that already
    has an authenticator app (reset the second factor instead)."""
    from kansrijk.accounts.tasks import mail_invitation

    _require_administrator(by)
    if not professional.is_active:
        raise AccountRefused(_("This account is deactivated."))
    if not professional.email:
        raise AccountRefused(
            _("Enter an e-mail address for %(name)s first.") % {"name": professional}
        )
    if confirmed_totp_device(professional) is not None:
        raise AccountRefused(
            _("%(name)s already has an authenticator app. Reset the second factor instead.")
            % {"name": professional}
        )
    now = timezone.now()
    with transaction.atomic():
        _withdraw_invitations(professional, now)
        invitation = Invitation.objects.create(
            professional=professional,
            reason=reason,
            sent_by=by,
            created_at=now,
            expires_at=now + INVITATION_VALID_FOR,
        )
        log_access(
            by=by,
            event=Event.WRITE,
            purpose=MANAGEMENT,
            username="" if by else "invitation",
            detail=f"invitation {invitation.pk} ({reason}) sent to professional "
            f"{professional.pk} ({professional.get_username()})",
        )
        transaction.on_commit(partial(mail_invitation.enqueue, invitation.pk))
    return invitation


def invite(professional: Professional, *, by: Professional | None) -> Invitation:
    """A new professional's invitation, in the form the staff import calls it
    (kansrijk.imports: `invite(professional, by=...)`)."""
    return invitation_send(by=by, professional=professional)


def _withdraw_invitations(professional: Professional, now: datetime.datetime) -> None:
    Invitation.objects.filter(
        professional=professional, used_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=now)


def invitation_accept(*, token: str, password: str) -> Professional:
    """Set the invited professional's password; the link is used up. Raises AccountRefused
    when the link no longer works, and ValidationError when the password is too weak.
    Connecting the authenticator app follows in the same session (accounts.views)."""
    with transaction.atomic():
        found = invitation_by_token(token)
        invitation = (
            Invitation.objects.select_for_update().select_related("professional").get(pk=found.pk)
            if found is not None
            else None
        )
        if invitation is None or not invitation.is_usable():
            raise AccountRefused(_("This link no longer works."))
        professional = invitation.professional
        if not professional.is_active:
            raise AccountRefused(_("This link no longer works."))
        password_validation.validate_password(password, professional)
        professional.set_password(password)
        professional.save(update_fields=["password"])
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
        log_access(
            by=professional,
            event=Event.LOGIN,
            purpose="authentication",
            detail=f"invitation {invitation.pk} used: password set",
        )
    return professional


def invitation_ask_again(*, token: str) -> bool:
    """A new link for an expired or used one, mailed to the address on file, but only while
    the account still needs setting up (no authenticator app yet). True when one was sent;
    the page says the same either way, so the answer reveals nothing about the account."""
    invitation = invitation_by_token(token)
    if invitation is None:
        return False
    professional = invitation.professional
    latest = Invitation.objects.filter(professional=professional).order_by("-created_at").first()
    if (
        not professional.is_active
        or not professional.email
        or confirmed_totp_device(professional) is not None
        or (latest is not None and latest.created_at > timezone.now() - ASK_AGAIN_INTERVAL)
    ):
        return False
    invitation_send(by=None, professional=professional, reason=Invitation.Reason.ASKED_AGAIN)
    return True


# --- the administrator: lost phone, leavers ---------------------------------------------------


def _end_sessions(professional: Professional) -> int:
    """Delete every session of `professional`: they are signed out on their next request."""
    wanted = str(professional.pk)
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == wanted
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def _remove_second_factor(professional: Professional) -> None:
    TOTPDevice.objects.filter(user=professional).delete()
    StaticDevice.objects.filter(user=professional).delete()  # the recovery codes with it


def second_factor_reset(*, by: Professional, professional: Professional) -> Invitation:
    """A lost phone: the authenticator app and recovery codes are removed, every session ends,
    and an invitation lets the professional set a new password and connect a new app."""
    _require_administrator(by)
    if professional.pk == by.pk:
        raise AccountRefused(_("You cannot reset your own second factor here."))
    if not professional.is_active:
        raise AccountRefused(_("This account is deactivated."))
    with transaction.atomic():
        _remove_second_factor(professional)
        professional.set_unusable_password()
        professional.save(update_fields=["password"])
        _end_sessions(professional)
        log_access(
            by=by,
            event=Event.WRITE,
            purpose=MANAGEMENT,
            detail=f"second factor reset of professional {professional.pk} "
            f"({professional.get_username()})",
        )
        return invitation_send(
            by=by, professional=professional, reason=Invitation.Reason.SECOND_FACTOR_RESET
        )


class StillResponsible(AccountRefused):
    """The leaver is still a family's contact person or owns open actions."""


def professional_deactivate(
    *,
    by: Professional,
    professional: Professional,
    hand_over: Mapping[str, Mapping[int, Professional]] | None = None,
) -> Professional:
    """A leaver: their open work goes to the successors in `hand_over` ({"cases": {case_id:
    successor}, "actions": {action_id: successor}}); then the account is deactivated, every
    session ends at once, and the authenticator app, recovery codes and open invitations are
    removed. Refused (StillResponsible) while any open case or action is left without a
    successor. All of it in one transaction."""
    from kansrijk.cases import services as case_services

    _require_administrator(by)
    if professional.pk == by.pk:
        raise AccountRefused(_("You cannot deactivate your own account."))
    wanted = hand_over or {}
    with transaction.atomic():
        for case_id, successor in wanted.get("cases", {}).items():
            case_services.contact_person_hand_over(by=by, case_id=case_id, to=successor)
        for action_id, successor in wanted.get("actions", {}).items():
            case_services.plan_action_hand_over(by=by, action_id=action_id, to=successor)
        left = responsibilities_of(professional)
        if left:
            raise StillResponsible(
                _(
                    "%(name)s is still the contact person of %(cases)d open case(s) and owns "
                    "%(actions)d open action(s). Hand each of them over first."
                )
                % {"name": professional, "cases": len(left.cases), "actions": len(left.actions)}
            )
        professional.is_active = False
        professional.set_unusable_password()
        professional.save(update_fields=["is_active", "password"])
        _remove_second_factor(professional)
        _withdraw_invitations(professional, timezone.now())
        sessions = _end_sessions(professional)
        log_access(
            by=by,
            event=Event.WRITE,
            purpose=MANAGEMENT,
            detail=f"professional {professional.pk} ({professional.get_username()}) "
            f"deactivated; {sessions} session(s) ended, second factor removed",
        )
    return professional
