"""Invitations: the only way to a first password and a first authenticator app; a lost
phone goes through one again. Real mail through the test SMTP server."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kansrijk.access.roles import Role
from kansrijk.accounts import services
from kansrijk.accounts.models import Invitation
from kansrijk.audit.models import AccessLogEntry
from kansrijk.core.models import Organisation, Professional
from tests.auth import sign_in, totp_device
from tests.factories import ProfessionalFactory, professional

pytestmark = pytest.mark.django_db(transaction=True)  # mail goes out after commit

LINK = re.compile(r"http://\S+/account/invitation/([\w-]+)/")
NEW_PASSWORD = "Wijkzorg-is-samen-2026"


@pytest.fixture
def administrator(world) -> Professional:
    return professional(
        Role.ADMINISTRATOR,
        None,
        organisation=Organisation.objects.get(name="Regie Westwijk"),
        username="beheer",
    )


@pytest.fixture
def newcomer(world) -> Professional:
    person = professional(Role.TEACHER, world.school, username="nieuw", email="nieuw@example.org")
    person.set_unusable_password()
    person.save()
    return person


def link_in(message) -> str:  # type: ignore[no-untyped-def]
    body = message.get_payload(decode=True).decode()
    match = LINK.search(body)
    assert match, body
    return urlsplit(match.group(0)).path


def test_the_invitation_mail_leads_to_a_password_and_then_to_enrolment(
    client, administrator, newcomer, smtp_server
):
    invitation = services.invitation_send(by=administrator, professional=newcomer)
    [mail] = smtp_server.messages
    assert mail["To"] == "nieuw@example.org"
    assert mail["Subject"] == "[Kansrijk] Je uitnodiging"
    body = mail.get_payload(decode=True).decode()
    assert "Je gebruikersnaam: nieuw" in body
    url = link_in(mail)
    token = url.rstrip("/").rsplit("/", 1)[1]
    invitation.refresh_from_db()
    assert invitation.token_hash and token not in invitation.token_hash  # only the hash kept
    assert invitation.expires_at - invitation.created_at == timedelta(hours=72)

    page = client.get(url)
    assert page.status_code == 200
    assert "Welkom bij Kansrijk" in page.content.decode()
    weak = client.post(url, {"new_password1": "kort", "new_password2": "kort"})
    assert weak.status_code == 200
    assert "te kort" in weak.content.decode()  # Dutch, and nothing is lost: the link still works
    done = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"].startswith("/account/enrol/")
    newcomer.refresh_from_db()
    assert newcomer.check_password(NEW_PASSWORD)
    enrol = client.get(done["Location"])
    assert enrol.status_code == 200
    assert 'id="enrol-qr"' in enrol.content.decode()

    again = client.get(url)  # single use
    assert again.status_code == 410
    assert "Deze link is al gebruikt" in again.content.decode()
    assert AccessLogEntry.objects.filter(
        user=newcomer, detail__startswith=f"invitation {invitation.pk} used"
    ).exists()


def test_a_password_alone_does_not_enrol_a_first_authenticator_app(client, world):
    teacher = world.teacher  # has a password, no device
    client.force_login(teacher)
    response = client.get("/account/enrol/")
    assert response.status_code == 403
    assert "via de link in je uitnodigingsmail" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=teacher).exists()
    assert client.post("/account/enrol/", {"code": "123456"}).status_code == 403


def test_an_expired_link_says_so_and_a_new_one_can_be_asked_for(
    client, administrator, newcomer, smtp_server
):
    invitation = services.invitation_send(by=administrator, professional=newcomer)
    url = link_in(smtp_server.messages[0])
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1),
        created_at=timezone.now() - timedelta(hours=73),
    )
    page = client.get(url)
    assert page.status_code == 410
    assert "Deze link is verlopen" in page.content.decode()
    assert (
        client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).status_code
        == 410
    )
    asked = client.post(url + "again/")
    assert "nieuwe link onderweg" in asked.content.decode()
    assert len(smtp_server.messages) == 2
    new_url = link_in(smtp_server.messages[1])
    assert new_url != url
    assert client.get(new_url).status_code == 200
    # Asking again at once sends nothing more (and says the same).
    client.post(url + "again/")
    assert len(smtp_server.messages) == 2
    assert Invitation.objects.filter(professional=newcomer).count() == 2


def test_an_unknown_link_gets_a_clear_page(client, world):
    page = client.get("/account/invitation/not-a-real-token/")
    assert page.status_code == 410
    assert "Deze link is niet bekend" in page.content.decode()


def test_no_invitation_for_someone_already_set_up(administrator, world):
    totp_device(world.teacher)
    with pytest.raises(services.AccountRefused):
        services.invitation_send(by=administrator, professional=world.teacher)
    with pytest.raises(services.AccountRefused):
        services.invitation_send(by=world.coach, professional=ProfessionalFactory())


def test_a_lost_phone_resets_the_second_factor_through_an_invitation(
    client, administrator, world, smtp_server
):
    teacher = world.teacher
    sign_in(client, teacher)
    services.recovery_codes_renew(by=teacher)
    assert client.get("/").status_code == 200
    services.second_factor_reset(by=administrator, professional=teacher)
    assert not TOTPDevice.objects.filter(user=teacher).exists()
    assert not StaticDevice.objects.filter(user=teacher).exists()
    assert not Session.objects.exists() or all(
        s.get_decoded().get("_auth_user_id") != str(teacher.pk) for s in Session.objects.all()
    )
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    [mail] = smtp_server.messages
    assert mail["Subject"] == "[Kansrijk] Stel je inlog opnieuw in"
    assert client.get(link_in(mail)).status_code == 200
    assert AccessLogEntry.objects.filter(
        user=administrator, detail__startswith=f"second factor reset of professional {teacher.pk}"
    ).exists()
    with pytest.raises(services.AccountRefused):
        services.second_factor_reset(by=administrator, professional=administrator)
