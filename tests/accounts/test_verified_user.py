"""The signed-in professional and their second factor read in one query (issue 17): the
session's device comes with its user, and Django's and django_otp's checks still hold: the
session's password hash, an active account, a confirmed device of this user."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.auth import sign_in, totp_device
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries]


def test_the_user_comes_with_the_device_in_one_query(world):
    client = sign_in(Client(), world.teacher)
    client.get("/")
    queries = _queries(client, "/")
    devices = [q for q in queries if 'FROM "otp_totp_totpdevice"' in q]
    assert len(devices) == 1 and 'JOIN "core_professional"' in devices[0]
    assert not [q for q in queries if q.startswith('SELECT "core_professional"')]


def test_a_changed_password_ends_the_session_though_the_device_brings_the_user(world):
    client = sign_in(Client(), world.teacher)
    assert client.get("/").status_code == 200
    world.teacher.set_password(PASSWORD + "-nieuw")
    world.teacher.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_deactivated_account_is_signed_out_at_its_next_page(world):
    client = sign_in(Client(), world.teacher)
    assert client.get("/").status_code == 200
    type(world.teacher).objects.filter(pk=world.teacher.pk).update(is_active=False)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_someone_elses_device_in_the_session_is_no_second_factor(world):
    client = sign_in(Client(), world.teacher)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(world.coach).persistent_id
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/account/verify/")


def test_an_unconfirmed_or_removed_device_is_no_second_factor(world):
    client = sign_in(Client(), world.teacher)
    device = totp_device(world.teacher)
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)
    assert client.get("/")["Location"].startswith("/account/verify/")
    client = sign_in(Client(), world.coach)
    totp_device(world.coach).delete()
    assert client.get("/")["Location"].startswith("/account/verify/")


@pytest.mark.parametrize("persistent_id", ["nonsense", "otp_totp.totpdevice/x", "auth.user/1"])
def test_a_broken_device_id_in_the_session_is_no_second_factor(world, persistent_id):
    client = sign_in(Client(), world.teacher)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = persistent_id
    session.save()
    assert client.get("/")["Location"].startswith("/account/verify/")


def test_the_menus_unread_count_comes_with_the_user_and_follows_what_the_page_marks_read(world):
    from kansrijk.notifications.models import Notification
    from kansrijk.notifications.services import notify

    notify(to=world.teacher, subject="Nieuw signaal", url="/cases/1/")
    notify(to=world.teacher, subject="Nog een", url="/cases/2/")
    client = sign_in(Client(), world.teacher)
    client.get("/cases/")  # a page without a list of what is unread (my work has one)
    counted = [q for q in _queries(client, "/cases/") if '"notifications_notification"' in q]
    assert len(counted) == 1 and 'FROM "otp_totp_totpdevice"' in counted[0]  # the device's
    menu = client.get("/cases/").content.decode()
    assert re.search(r"Meldingen <span class=\"badge badge--p2\">2<", menu)
    inbox = client.post("/notifications/read/", follow=True).content.decode()
    assert not Notification.objects.filter(recipient=world.teacher, read_at=None).exists()
    assert not re.search(r"Meldingen <span class=\"badge", inbox)


def test_a_page_is_given_the_user_itself_with_their_second_factor(world):
    """No lazy wrapper around the user reaches the views (every `request.user.x` through two
    of them cost a raised exception and four calls); the second factor is still set."""
    client = sign_in(Client(), world.teacher)
    request = client.get("/").wsgi_request
    assert type(request.user) is type(world.teacher) and request.user.pk == world.teacher.pk
    assert request.user.is_verified() and request.user.otp_device is not None
    anonymous = Client().get("/login/").wsgi_request.user
    assert type(anonymous).__name__ == "AnonymousUser" and not anonymous.is_verified()
