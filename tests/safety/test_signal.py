"""A signal marked 'concerns about safety at home': P1 on the safety route, on top of every
list, the coordinator and the family specialist told at once (mail after commit, no name)."""

from __future__ import annotations

import pytest
from django.utils import translation

from kansrijk.access.matrix import Action
from kansrijk.cases import selectors as case_selectors
from kansrijk.cases.models import Case, Signal
from kansrijk.notifications.models import Notification
from kansrijk.safety.models import ChildcareContact, Meldcode
from tests.auth import sign_in
from tests.cases.route import open_case
from tests.factories import ChildFactory, LocationFactory, professional, teaches
from tests.safety.conftest import file_safety_signal

pytestmark = pytest.mark.django_db


def test_the_signal_form_marks_safety_and_the_case_becomes_p1_on_the_safety_route(
    client, world, pupil
):
    sign_in(client, world.teacher)
    form = client.get("/signals/new/").content.decode()
    assert 'name="safety_concern"' in form
    response = client.post(
        "/signals/new/",
        {
            "child": pupil.pk,
            "domain": "home",
            "urgency": "low",
            "safety_concern": "on",
            "description": "Sem vertelt dat hij thuis geslagen wordt.",
        },
    )
    assert response.status_code == 302
    signal = Signal.objects.get()
    assert signal.safety_concern
    case = signal.case
    assert (case.priority, case.route) == (Case.Priority.SAFETY, Case.Route.SAFETY)
    meldcode = Meldcode.objects.get(case=case)
    assert meldcode.is_open and meldcode.next_step == 1
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert {world.coordinator.username, world.family_specialist.username} <= told


@pytest.mark.django_db(transaction=True)
def test_coordinator_and_family_specialist_get_a_mail_without_the_childs_name(
    world, pupil, smtp_server
):
    case = file_safety_signal(world, pupil)
    to = {m["To"]: m for m in smtp_server.messages}
    assert {world.coordinator.email, world.family_specialist.email} <= to.keys()
    mail = to[world.coordinator.email]
    text = mail["Subject"] + mail.get_payload()
    assert f"/safety/cases/{case.pk}/meldcode/" in text
    assert str(case.pk) in mail["Subject"] and world.school.name in mail["Subject"]
    for secret in ("Sem", "Jansen", "Blauwe plekken"):
        assert secret not in text


def test_p1_stands_on_top_of_every_list(client, world):
    calm = [open_case(world, ChildFactory(location=world.school)) for _ in range(2)]
    # The calm cases are older: the coordinator's stalled-first order would put them on top.
    Case.objects.filter(pk__in=[c.pk for c in calm]).update(last_step_at="2020-01-01T00:00Z")
    safety = file_safety_signal(world, ChildFactory(location=world.school))
    coordinators = case_selectors.open_bounded(world.coordinator, Action.EXISTS, 25, "stalled")
    for user, rows in [
        (world.coordinator, coordinators),
        (world.coach, case_selectors.cases_visible_to(world.coach)),
        (world.family_specialist, case_selectors.cases_visible_to(world.family_specialist)),
    ]:
        assert next(iter(rows)).pk == safety.pk, user.username
    assert case_selectors.signals_by(world.teacher, 50)[0].case_id == safety.pk
    sign_in(client, world.coordinator)
    page = client.get("/").content.decode()
    assert page.index(f"/cases/{safety.pk}/") < min(page.index(f"/cases/{c.pk}/") for c in calm)
    api = client.get("/api/cases").json()
    assert api["items"][0]["id"] == safety.pk and api["items"][0]["priority"] == 1
    assert api["items"][0]["route"] == "safety"


def test_the_case_page_shows_the_meldcode(client, world, safety_case):
    sign_in(client, world.coach)
    with translation.override("en"):
        page = client.get(f"/cases/{safety_case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="meldcode-panel"' in page
    assert f"/safety/cases/{safety_case.pk}/meldcode/" in page


def test_the_api_takes_the_safety_mark(client, world, pupil):
    sign_in(client, world.teacher)
    token = client.get("/api/csrf").json()["csrf_token"]
    response = client.post(
        "/api/signals",
        {
            "child_id": pupil.pk,
            "domain": "home",
            "description": "Zorgen over thuis.",
            "safety_concern": True,
        },
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201
    assert Case.objects.get(pk=response.json()["case_id"]).priority == Case.Priority.SAFETY


def test_childcare_signals_and_sees_its_fixed_district_team_contact(client, world):
    childcare = LocationFactory(name="Kinderopvang De Schakel", code="ko-schakel", kind="childcare")
    worker = teaches(professional("childcare_worker", childcare, username="ko"), childcare, "5")
    ChildcareContact.objects.create(location=childcare, professional=world.district_team)
    toddler = ChildFactory(location=childcare, given_name="Mila")
    sign_in(client, worker)
    form = client.get("/signals/new/").content.decode()
    assert 'data-testid="childcare-contact"' in form
    assert str(world.district_team) in form
    client.post(
        "/signals/new/",
        {
            "child": toddler.pk,
            "domain": "home",
            "urgency": "high",
            "safety_concern": "on",
            "description": "Mila is bang.",
        },
    )
    case = Case.objects.get(family=toddler.family)
    assert case.priority == Case.Priority.SAFETY
    # The childcare location has no coordinator of its own: the district's coordinator hears it,
    # and so does the fixed contact, who is on the case's team on the meldcode's legal ground.
    told = set(Notification.objects.values_list("recipient", flat=True))
    assert {world.coordinator.pk, world.district_team.pk} <= told
    sign_in(client, world.district_team)
    assert client.get(f"/cases/{case.pk}/").status_code == 200


def test_only_a_signaller_at_childcare_is_shown_a_fixed_contact(world):
    """The contacts are read for the childcare locations among the signaller's memberships:
    a teacher at a school has none, and is asked no query for them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kansrijk.access.policies import memberships_of
    from kansrijk.safety.selectors import childcare_contacts_for
    from tests.conftest import fresh

    childcare = LocationFactory(name="Kinderopvang De Schakel", code="ko-schakel", kind="childcare")
    worker = teaches(professional("childcare_worker", childcare, username="ko"), childcare, "5")
    ChildcareContact.objects.create(location=childcare, professional=world.district_team)
    ChildcareContact.objects.create(location=world.school, professional=world.district_team)
    teacher, worker = fresh(world.teacher), fresh(worker)
    memberships_of(teacher)
    with CaptureQueriesContext(connection) as queries:
        assert childcare_contacts_for(teacher) == []
    assert len(queries) == 0
    found = childcare_contacts_for(worker)
    assert [(c.location, c.professional) for c in found] == [(childcare, world.district_team)]
