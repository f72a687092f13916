"""Who is signed in to the family portal, kept apart from the professionals' sign-in.

A portal session holds only the guardian's (or the young person's) id under its own key;
Django's user stays anonymous, so no professional page opens for it. A session with a
professional signed in never counts as a portal session, so a professional login never
opens the portal. Both clocks of kansrijk.accounts (idle and absolute) apply."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from kansrijk.accounts import session_clock
from kansrijk.cases.models import Child, Guardian

GUARDIAN_KEY = "kansrijk_portal_guardian"
CHILD_KEY = "kansrijk_portal_child"
#: The youngest age at which a child signs in with their own DigiD.
OWN_LOGIN_AGE = 12


@dataclass(frozen=True)
class Visitor:
    """A parent or carer, or a young person of 12 or older, signed in to the portal."""

    family_id: int
    guardian: Guardian | None = None
    young_person: Child | None = None

    @property
    def name(self) -> str:
        return str(self.guardian or self.young_person)

    @property
    def has_authority(self) -> bool:
        """A guardian with parental authority: decides, answers, reads the whole file."""
        return self.guardian is not None and self.guardian.parental_authority


def find_by_bsn(bsn: str) -> Visitor | None:
    """The guardian, or the child of 12 or older, with this BSN; None for anyone else."""
    guardian = Guardian.objects.filter(bsn=bsn).first()
    if guardian is not None:
        return Visitor(family_id=guardian.family_id, guardian=guardian)
    child = Child.objects.filter(bsn=bsn).first()
    if child is not None and child.age_on(timezone.localdate()) >= OWN_LOGIN_AGE:
        return Visitor(family_id=child.family_id, young_person=child)
    return None


def sign_in(request: HttpRequest, visitor: Visitor) -> None:
    """Start a fresh portal session (a professional signed in before is signed out)."""
    if request.user.is_authenticated:
        logout(request)
    request.session.cycle_key()
    request.session.pop(GUARDIAN_KEY, None)
    request.session.pop(CHILD_KEY, None)
    if visitor.guardian is not None:
        request.session[GUARDIAN_KEY] = visitor.guardian.pk
    if visitor.young_person is not None:
        request.session[CHILD_KEY] = visitor.young_person.pk
    session_clock.start(request.session)


def sign_out(request: HttpRequest) -> None:
    request.session.flush()


def _from_session(request: HttpRequest) -> Visitor | None:
    session = request.session
    guardian_id, child_id = session.get(GUARDIAN_KEY), session.get(CHILD_KEY)
    if guardian_id is None and child_id is None:
        return None
    if request.user.is_authenticated:
        return None  # a professional's session is never a portal session
    now = time.time()
    started = session.get(session_clock.STARTED_KEY) or 0
    last = session.get(session_clock.LAST_ACTIVITY_KEY) or 0
    if (
        now - last > settings.KANSRIJK_SESSION_IDLE_SECONDS
        or now - started > settings.KANSRIJK_SESSION_ABSOLUTE_SECONDS
    ):
        sign_out(request)
        messages.warning(request, _("Your session has expired. Sign in again."))
        return None
    if now - last > min(60, settings.KANSRIJK_SESSION_IDLE_SECONDS / 10):
        session[session_clock.LAST_ACTIVITY_KEY] = now
    if guardian_id is not None:
        guardian = Guardian.objects.filter(pk=guardian_id).first()
        return Visitor(guardian.family_id, guardian=guardian) if guardian else None
    child = Child.objects.filter(pk=child_id).first() if child_id is not None else None
    return Visitor(child.family_id, young_person=child) if child else None


class PortalSessionMiddleware:
    """Sets `request.visitor` (a Visitor or None); after the authentication middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        visitor = _from_session(request)
        request.visitor = visitor  # type: ignore[attr-defined]
        response = self.get_response(request)
        if visitor is not None:
            add_never_cache_headers(response)  # a family's pages stay out of shared caches
        return response


def visitor_of(request: HttpRequest) -> Visitor:
    """The signed-in family member; anyone else gets the same 404 as a missing page."""
    visitor: Visitor | None = getattr(request, "visitor", None)
    if visitor is None:
        raise Http404
    return visitor
