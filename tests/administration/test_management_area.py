"""The management area: only the administrator (with a second factor) enters, it holds
reference data and people only, every change is in the access log, and its lists are cheap."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kansrijk.access.pages import MANAGED_MODELS
from kansrijk.access.roles import Role
from kansrijk.accounts.models import Invitation
from kansrijk.audit.models import AccessLogEntry
from kansrijk.core.models import (
    DistrictArea,
    Group,
    Location,
    Membership,
    Organisation,
    Professional,
)
from kansrijk.core.selectors import district_team_for
from kansrijk.roster.models import Availability
from tests.auth import sign_in, totp_device
from tests.cases.route import give_plan, open_case
from tests.factories import ChildFactory, GuardianFactory, LocationFactory, professional

pytestmark = pytest.mark.django_db


def management_log(**filters: Any) -> list[str]:
    return list(
        AccessLogEntry.objects.filter(purpose="management", **filters)
        .order_by("id")
        .values_list("detail", flat=True)
    )


def test_only_reference_data_and_people_are_registered():
    registered = {f"{m._meta.app_label}_{m._meta.model_name}" for m in admin.site._registry}
    assert registered == set(MANAGED_MODELS)
    for app in ("cases", "consent", "meetings", "monitor", "audit", "notifications"):
        assert not [m for m in admin.site._registry if m._meta.app_label == app]
    assert not [m for m in admin.site._registry if m._meta.app_label.startswith("otp_")]


def test_every_other_role_gets_404_and_the_admin_login_is_kansrijks_own(client, world):
    chain = client.get("/beheer/", follow=True).redirect_chain
    assert chain[-1][0] == "/login/?next=/beheer/"
    response = client.get("/beheer/login/?next=/beheer/core/location/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/beheer/core/location/")
    for person in world.by_role().values():
        sign_in(client, person)
        assert client.get("/beheer/").status_code == 404
        assert client.get("/beheer/core/professional/").status_code == 404
        client.logout()


def test_the_administrator_needs_the_second_factor_too(client, administrator):
    client.force_login(administrator)  # password only
    response = client.get("/beheer/")
    assert response.status_code == 302 and "/account/verify/" in response["Location"]


def test_the_administrator_sees_the_management_area_in_the_menu(client, administrator):
    sign_in(client, administrator)
    page = client.get("/").content.decode()
    assert 'href="/beheer/"' in page
    index = client.get("/beheer/")
    assert index.status_code == 200
    text = index.content.decode()
    assert "Kansrijk · beheer" in text  # Dutch, the NL Design System theme
    assert "administration/theme.css" in text
    assert "Bewaartermijnen" in text


def test_the_retention_terms_are_shown_with_their_legal_source(client, administrator):
    sign_in(client, administrator)
    text = client.get(reverse("admin:retention")).content.decode()
    assert "Jeugdwet art. 7.3.8" in text
    assert "NEN 7513" in text
    assert "<form" not in text.split('id="retention-terms"')[1]  # read-only


def test_no_page_of_the_management_area_shows_childrens_data(client, world, administrator):
    child = ChildFactory(location=world.school, given_name="Zoë", family_name="Veenstra-Oud")
    GuardianFactory(family=child.family, name="Gerda Veenstra-Oud")
    case = open_case(world, child)
    give_plan(world, case)
    sign_in(client, administrator)
    pages = [reverse("admin:index"), reverse("admin:retention")]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        first = model._default_manager.first()
        if first is not None:
            pages.append(reverse(f"{prefix}_change", args=[first.pk]))
    pages.append(reverse("admin:core_professional_deactivate", args=[world.coach.pk]))
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        for secret in ("Zoë", "Veenstra-Oud", "Wekelijks gesprek", "herfstvakantie"):
            assert secret not in text, (url, secret)


def _membership_form(
    prefix: str = "memberships", rows: list[dict[str, Any]] | None = None, initial: int = 0
) -> dict[str, Any]:
    rows = rows or []
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


@pytest.mark.django_db(transaction=True)  # the mail goes out after commit
def test_a_new_professional_is_invited_and_every_change_is_logged(
    client, world, administrator, smtp_server
):
    sign_in(client, administrator)
    board = world.school.organisation
    response = client.post(
        reverse("admin:core_location_add"),
        {
            "organisation": board.pk,
            "name": "Kindcentrum De Vonk",
            "code": "vonk",
            "kind": Location.Kind.CHILD_CENTRE,
            "district": "Westwijk",
            "address": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    vonk = Location.objects.get(code="vonk")
    with pytest.raises(Exception):
        Professional.objects.get(username="ib.vonk")
    response = client.post(
        reverse("admin:core_professional_add"),
        {
            "username": "ib.vonk",
            "first_name": "Ilse",
            "last_name": "Bakker",
            "email": "ib.vonk@example.org",
            "phone": "",
            **_membership_form(
                rows=[{"role": Role.TEACHER, "organisation": board.pk, "location": vonk.pk}]
            ),
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "ib.vonk@example.org" in response.content.decode()  # the message names the address
    newcomer = Professional.objects.get(username="ib.vonk")
    assert not newcomer.has_usable_password()  # set by Ilse, through the invitation
    assert Invitation.objects.get(professional=newcomer).mailed_at is not None
    [mail] = smtp_server.messages
    assert mail["To"] == "ib.vonk@example.org"
    assert "/account/invitation/" in mail.get_payload(decode=True).decode()

    membership = Membership.objects.get(professional=newcomer)
    response = client.post(
        reverse("admin:core_professional_change", args=[newcomer.pk]),
        {
            "username": "ib.vonk",
            "first_name": "Ilse",
            "last_name": "Bakker",
            "email": "ib.vonk@example.org",
            "phone": "",
            **_membership_form(
                rows=[
                    {
                        "id": membership.pk,
                        "professional": newcomer.pk,
                        "role": Role.INTERNAL_COACH,
                        "organisation": board.pk,
                        "location": vonk.pk,
                    }
                ],
                initial=1,
            ),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    details = management_log(user=administrator)
    assert any(d.startswith("added core.location") and "Kindcentrum De Vonk" in d for d in details)
    assert any(d.startswith("added core.professional") and "Ilse Bakker" in d for d in details)
    assert any("invitation" in d and "ib.vonk" in d for d in management_log())
    assert any(
        d.startswith("changed core.membership") and "teacher -> internal_coach" in d
        for d in details
    ), details


def test_a_deletion_is_logged(client, administrator):
    area = DistrictArea.objects.create(
        postcode_from=3131,
        postcode_to=3134,
        district_team=Organisation.objects.get(name="Wijkteam Westwijk"),
    )
    sign_in(client, administrator)
    response = client.post(
        reverse("admin:core_districtarea_delete", args=[area.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert any(d.startswith("deleted core.districtarea") for d in management_log())


def test_district_areas_do_not_overlap_and_answer_a_postcode(client, administrator):
    team = Organisation.objects.get(name="Wijkteam Westwijk")
    sign_in(client, administrator)
    url = reverse("admin:core_districtarea_add")
    response = client.post(
        url,
        {
            "postcode_from": "3131",
            "postcode_to": "3134",
            "district_team": team.pk,
            "name": "Westwijk",
        },
    )
    assert response.status_code == 302
    response = client.post(
        url,
        {"postcode_from": "3134", "postcode_to": "3140", "district_team": team.pk, "name": "Oost"},
    )
    assert response.status_code == 200
    assert "overlappen met het gebied" in response.content.decode()
    assert district_team_for("3133 AB") == team
    assert district_team_for("3135AB") is None
    assert district_team_for("") is None


def _count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


LISTS: dict[str, Callable[[int, Any], None]] = {
    "admin:core_professional_changelist": lambda n, w: [
        professional(Role.TEACHER, w.school) for _ in range(n)
    ],
    "admin:core_location_changelist": lambda n, w: [LocationFactory() for _ in range(n)],
    "admin:core_group_changelist": lambda n, w: [
        Group.objects.create(location=w.school, name=f"{Group.objects.count() + 1}x")
        for _ in range(n)
    ],
    "admin:roster_availability_changelist": lambda n, w: [
        Availability.objects.create(professional=professional(Role.TEACHER, w.school))
        for _ in range(n)
    ],
    "admin:core_organisation_changelist": lambda n, w: [
        Organisation.objects.create(
            name=f"Partner {Organisation.objects.count()}", kind=Organisation.Kind.HOUSING
        )
        for _ in range(n)
    ],
}


@pytest.mark.parametrize("name", list(LISTS))
def test_list_pages_do_not_grow_with_the_rows(client, world, administrator, name):
    sign_in(client, administrator)
    url = reverse(name)
    LISTS[name](2, world)
    client.get(url)
    few = _count(client, url)
    LISTS[name](8, world)
    assert _count(client, url) == few <= 20


@pytest.mark.django_db(transaction=True)  # the mail goes out after commit
def test_the_buttons_on_a_professionals_page_invite_and_reset(
    client, world, administrator, smtp_server
):
    sign_in(client, administrator)
    teacher = world.teacher  # signed in before, with an authenticator app
    totp_device(teacher)
    page = client.get(reverse("admin:core_professional_change", args=[teacher.pk]))
    assert "Tweede factor opnieuw instellen (telefoon kwijt)" in page.content.decode()

    refused = client.post(reverse("admin:core_professional_invite", args=[teacher.pk]), follow=True)
    assert "heeft al een authenticator-app" in refused.content.decode()
    assert smtp_server.messages == []

    reset = client.post(
        reverse("admin:core_professional_reset_second_factor", args=[teacher.pk]), follow=True
    )
    assert "is verwijderd en elke sessie is beëindigd" in reset.content.decode()
    [mail] = smtp_server.messages
    assert mail["To"] == teacher.email
    assert (
        client.get(
            reverse("admin:core_professional_reset_second_factor", args=[teacher.pk])
        ).status_code
        == 405
    )


def test_a_professionals_page_does_not_grow_with_their_memberships(client, world, administrator):
    sign_in(client, administrator)
    officer = world.officer
    url = reverse("admin:core_professional_change", args=[officer.pk])
    client.get(url)
    few = _count(client, url)
    for location in [world.other_school, LocationFactory(), LocationFactory()]:
        Membership.objects.create(
            professional=officer,
            role=Role.COMMUNITY_OFFICER,
            organisation=location.organisation,
            location=location,
        )
    assert _count(client, url) == few <= 15
