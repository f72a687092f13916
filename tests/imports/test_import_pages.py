"""The import pages as the IB and the functional administrator use them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kansrijk.access.roles import Role
from kansrijk.cases.models import Child
from kansrijk.core.models import Location, Membership, Professional
from kansrijk.imports.models import ImportBatch
from kansrijk.imports.samples import csv_bytes, demo_sample, rows_of
from tests.auth import sign_in
from tests.conftest import World
from tests.factories import professional
from tests.imports.conftest import TODAY, fill


def upload(client: Client, location: Location, data: bytes, **extra: object) -> object:
    url = reverse("imports:pupils", args=[location.code])
    return client.post(url, {"file": SimpleUploadedFile("leerlingen.csv", data), **extra})


@pytest.mark.django_db
def test_coach_previews_and_confirms_a_file(client: Client, world: World, school: Location):
    sign_in(client, world.coach)
    menu = client.get(reverse("cases:my_work")).content.decode()
    assert reverse("imports:index") in menu
    response = upload(client, school, csv_bytes(demo_sample(school, TODAY)))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Nieuwe leerlingen" in page and "Regels met fouten" in page
    assert "Het BSN 999999991 voldoet niet aan de elfproef" in page
    assert page.count('data-testid="leaver-row"') == 4
    assert Child.objects.filter(location=school).count() == 14  # nothing written yet
    done = client.post(response["Location"] + "confirm", {"group_siblings": "on"}, follow=True)
    assert "Import klaar: 4 nieuwe leerlingen" in done.content.decode()
    assert Child.objects.filter(location=school, left_on__isnull=True).count() == 14


@pytest.mark.django_db
def test_a_refused_file_keeps_the_choices_and_says_why(
    client: Client, world: World, school: Location
):
    sign_in(client, world.coach)
    response = upload(client, school, b"naam;groep\nSem;3\n", create_groups="on")
    page = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "mist de kolom(men) leerlingnummer" in page
    assert 'name="create_groups" id="id_create_groups" checked' in page


@pytest.mark.django_db
def test_other_roles_and_other_schools_get_404(client: Client, world: World, school: Location):
    sign_in(client, world.other_coach)
    assert client.get(reverse("imports:pupils", args=[school.code])).status_code == 404
    sign_in(client, world.coach)
    response = upload(client, school, csv_bytes(rows_of(school)))
    preview = response["Location"]  # type: ignore[index]
    sign_in(client, world.other_coach)
    assert client.get(preview).status_code == 404
    assert client.post(preview + "confirm").status_code == 404
    sign_in(client, world.teacher)
    assert client.get(reverse("imports:index")).status_code == 404


@pytest.mark.django_db
def test_administrator_imports_for_any_school(client: Client, world: World, school: Location):
    admin = professional(Role.ADMINISTRATOR, None, username="beheer")
    sign_in(client, admin)
    index = client.get(reverse("imports:index")).content.decode()
    assert world.school.name in index and world.other_school.name in index
    assert upload(client, world.other_school, csv_bytes(rows_of(school))).status_code == 302


def _preview_queries(client: Client, world: World, location: Location) -> int:
    response = upload(client, location, csv_bytes(rows_of(location)))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(response["Location"]).status_code == 200  # type: ignore[index]
    return len(queries)


@pytest.mark.django_db
def test_preview_page_queries_do_not_grow_with_the_file(client: Client, world: World):
    sign_in(client, world.coach)
    fill(world.school, 5)
    small = _preview_queries(client, world, world.school)
    fill(world.other_school, 150, first_bsn=300)
    coach = professional(Role.INTERNAL_COACH, world.other_school, username="ib3")
    sign_in(client, coach)
    large = _preview_queries(client, world, world.other_school)
    assert large == small <= 15


@pytest.mark.django_db
def test_staff_import_creates_professionals_and_invites_them(world: World):
    from kansrijk.imports import services

    admin = professional(Role.ADMINISTRATOR, None, username="beheer")
    data = (
        "naam;email;rol;locatie\n"
        "Sanne de Wit;sanne@example.org;Leerkracht;schakel\n"
        "Sanne de Wit;sanne@example.org;internal_coach;schakel\n"
        f"{world.coach.get_full_name()};{world.coach.email};teacher;wereldwijzer\n"
        "Piet;piet@example;leerkracht;nergens\n"
    ).encode()
    data = data.replace(b"naam;email;rol;locatie\n", b"naam;email;rol;locatie;organisatie\n")
    data += b"Ilse Vos;ilse@example.org;SWV-specialist;schakel;SWV Onderwijs dat past\n"
    batch = services.staff_import_prepare(by=admin, data=data, file_name="team.csv")
    preview = batch.preview
    assert [r["email"] for r in preview["new"]] == ["sanne@example.org"] * 2 + ["ilse@example.org"]
    assert [r["email"] for r in preview["memberships"]] == [world.coach.email]
    assert {c for e in preview["errors"] for c, _p in e["problems"]} == {
        "staff_email_bad", "location_unknown",
    }  # fmt: skip
    invited: list[str] = []
    result = services.staff_import_confirm(
        by=admin, batch=batch, invite=lambda person, *, by: invited.append(person.email)
    )
    assert result["professionals"] == 2 and result["memberships"] == 4
    assert invited == ["sanne@example.org", "ilse@example.org"]
    ilse = Membership.objects.get(professional__email="ilse@example.org")
    assert (ilse.organisation.name, ilse.location) == ("SWV Onderwijs dat past", world.school)
    sanne = Professional.objects.get(email="sanne@example.org")
    assert not sanne.has_usable_password() and sanne.is_active
    assert set(sanne.memberships.values_list("role", flat=True)) == {"teacher", "internal_coach"}


@pytest.mark.django_db
def test_staff_import_without_invitations_leaves_new_people_inactive(client: Client, world: World):
    admin = professional(Role.ADMINISTRATOR, None, username="beheer")
    sign_in(client, admin)
    data = b"naam,email,rol,locatie\nJoris Smit,joris@example.org,Leerkracht,schakel\n"
    response = client.post(reverse("imports:staff"), {"file": SimpleUploadedFile("team.csv", data)})
    page = client.get(response["Location"]).content.decode()
    assert "joris@example.org" in page
    batch = ImportBatch.objects.get(kind=ImportBatch.Kind.STAFF)
    from kansrijk.imports.services import invitation_sender

    done = client.post(reverse("imports:staff_confirm", args=[batch.pk]), follow=True)
    joris = Professional.objects.get(email="joris@example.org")
    if invitation_sender() is None:
        assert not joris.is_active
        assert "Uitnodiging nog te versturen" in done.content.decode()
    sign_in(client, world.coach)
    assert client.get(reverse("imports:staff")).status_code == 404
