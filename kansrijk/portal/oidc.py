"""Signing in with DigiD through the municipality's OpenID Connect broker.

mozilla-django-oidc does the code flow (state, nonce, PKCE, token, signature check against
the provider's JWKS). The broker hands over the BSN in a claim (`KANSRIJK_OIDC_BSN_CLAIM`,
"bsn" by default, the way DigiD brokers do); it is matched to a guardian, or to a child of
12 or older, and never typed in. The result is a portal session (portal.visitors), not a
Django login: the backend is deliberately not in AUTHENTICATION_BACKENDS, so no professional
can ever be signed in through it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access
from kansrijk.cases.bsn import bsn_is_valid
from kansrijk.portal import visitors
from kansrijk.portal.visitors import Visitor


class PortalBackend(OIDCAuthenticationBackend):
    """Finds the family member for the BSN claim instead of a Django user."""

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bsn_is_valid(str(claims.get(settings.KANSRIJK_OIDC_BSN_CLAIM, "")))

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> Visitor | None:
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise SuspiciousOperation("The provider gave no valid BSN.")
        return visitors.find_by_bsn(str(claims[settings.KANSRIJK_OIDC_BSN_CLAIM]))


class PortalCallbackView(OIDCAuthenticationCallbackView):
    """The provider's redirect back: check state and nonce, then start the portal session."""

    def get(self, request: HttpRequest) -> HttpResponse:
        state = request.GET.get("state")
        states = request.session.get("oidc_states") or {}
        if request.GET.get("error") or "code" not in request.GET or state not in states:
            if state in states:
                del request.session["oidc_states"][state]
                request.session.save()
            return self.login_failure()
        entry = states[state]
        del request.session["oidc_states"][state]
        request.session.save()
        visitor = PortalBackend().authenticate(
            request, nonce=entry["nonce"], code_verifier=entry.get("code_verifier")
        )
        if not isinstance(visitor, Visitor):
            return self.login_failure()
        self.visitor = visitor
        return self.login_success()

    def login_failure(self) -> HttpResponse:
        messages.error(
            self.request,
            _(
                "We could not find you in Kansrijk. Only parents and carers of a family we "
                "work with, and young people from 12, can sign in here."
            ),
        )
        return HttpResponseRedirect(reverse("portal:start"))

    def login_success(self) -> HttpResponse:
        visitor: Visitor = self.visitor
        with transaction.atomic():
            visitors.sign_in(self.request, visitor)
            log_access(
                by=None,
                guardian=visitor.guardian,
                username=""
                if visitor.guardian
                else f"young person:{visitor.young_person.pk if visitor.young_person else ''}",
                event=Event.LOGIN,
                purpose="family portal",
                family_id=visitor.family_id,
                child_id=visitor.young_person.pk if visitor.young_person else None,
                detail="DigiD sign-in (OpenID Connect)",
            )
        return HttpResponseRedirect(reverse("portal:home"))
