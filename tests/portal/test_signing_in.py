"""Signing in to the family portal with DigiD (OpenID Connect against a real local provider),
and the wall between the portal and the professionals' pages."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from kansrijk.accounts import session_clock
from kansrijk.audit.models import AccessLogEntry, Event
from tests.auth import sign_in
from tests.conftest import World
from tests.oidc import Provider, portal_sign_in
from tests.portal.conftest import BSNS, PortalFamily

pytestmark = pytest.mark.django_db


def test_a_parent_signs_in_with_digid_and_sees_their_family(
    client: Client, oidc_provider: Provider, family: PortalFamily
) -> None:
    answer = portal_sign_in(client, oidc_provider, family.parent.bsn or "")
    assert answer.status_code == 302
    assert answer["Location"] == reverse("portal:home")
    page = client.get(reverse("portal:home"))
    assert page.status_code == 200
    assert "Hallo Anna de Vries" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    login = AccessLogEntry.objects.filter(event=Event.LOGIN).last()
    assert login is not None
    assert login.guardian_id == family.parent.pk
    assert login.username == f"guardian:{family.parent.pk}"


def test_someone_the_register_does_not_know_is_turned_away(
    client: Client, oidc_provider: Provider, family: PortalFamily
) -> None:
    answer = portal_sign_in(client, oidc_provider, BSNS[10])
    assert answer["Location"] == reverse("portal:start")
    assert "We kunnen je niet vinden" in client.get(reverse("portal:start")).content.decode()
    assert client.get(reverse("portal:home")).status_code == 404


def test_a_young_person_of_14_signs_in_with_their_own_digid(
    client: Client, oidc_provider: Provider, family: PortalFamily
) -> None:
    portal_sign_in(client, oidc_provider, family.teen.bsn or "")
    page = client.get(reverse("portal:home"))
    assert page.status_code == 200
    assert "Hallo Lotte" in page.content.decode()


def test_a_child_under_12_cannot_sign_in(
    client: Client, oidc_provider: Provider, family: PortalFamily
) -> None:
    family.child.bsn = BSNS[11]
    family.child.save()
    answer = portal_sign_in(client, oidc_provider, BSNS[11])
    assert answer["Location"] == reverse("portal:start")


def test_a_portal_session_opens_no_professional_page(
    client: Client, oidc_provider: Provider, family: PortalFamily
) -> None:
    portal_sign_in(client, oidc_provider, family.parent.bsn or "")
    for url in (
        reverse("cases:my_work"),
        reverse("cases:case_detail", kwargs={"case_id": family.case.pk}),
        reverse("notifications:inbox"),
    ):
        answer = client.get(url)
        assert answer.status_code == 302, url  # as for anyone not logged in: to the login
        assert answer["Location"].startswith(reverse("core:login"))
    assert client.get("/api/cases").status_code == 401


def test_a_professional_login_never_opens_the_portal(
    client: Client, world: World, family: PortalFamily
) -> None:
    sign_in(client, world.coach)
    assert client.get(reverse("portal:home")).status_code == 404
    assert client.get(reverse("portal:plan")).status_code == 404


def test_signing_in_to_the_portal_signs_a_professional_out(
    client: Client, oidc_provider: Provider, world: World, family: PortalFamily
) -> None:
    sign_in(client, world.coach)
    portal_sign_in(client, oidc_provider, family.parent.bsn or "")
    assert client.get(reverse("portal:home")).status_code == 200
    assert client.get(reverse("cases:my_work")).status_code == 302


def test_an_idle_portal_session_expires(
    client: Client, oidc_provider: Provider, settings: object, family: PortalFamily
) -> None:
    portal_sign_in(client, oidc_provider, family.parent.bsn or "")
    session = client.session
    session[session_clock.LAST_ACTIVITY_KEY] = time.time() - 31 * 60
    session.save()
    assert client.get(reverse("portal:home")).status_code == 404
    assert client.get(reverse("portal:start")).status_code == 200


def test_signing_out_ends_the_portal_session(
    client: Client, oidc_provider: Provider, family: PortalFamily
) -> None:
    portal_sign_in(client, oidc_provider, family.parent.bsn or "")
    assert client.post(reverse("portal:logout")).status_code == 302
    assert client.get(reverse("portal:home")).status_code == 404
    assert AccessLogEntry.objects.filter(event=Event.LOGOUT, guardian_id=family.parent.pk).exists()
