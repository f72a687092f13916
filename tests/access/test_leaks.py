"""The leaks the independent probe found (issue 21), each reproduced: they failed before the
gate, the relation registry and the named policies, and pass now."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from kansrijk.access.roles import Role
from kansrijk.cases import services
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.models import Case, CaseMember, Referral, Step
from kansrijk.consent.models import Consent, Purpose
from kansrijk.core.models import Membership
from kansrijk.meetings import services as meeting_services
from kansrijk.safety.models import ChildcareContact, EmergencyAccess
from tests.auth import sign_in
from tests.factories import ChildFactory, ConsentFactory, professional, teaches
from tests.pages import main_text

pytestmark = pytest.mark.django_db


def _case(world, pupil) -> Case:  # type: ignore[no-untyped-def]
    signal = services.signal_create(
        by=world.teacher, child=pupil, domain="learning", urgency="normal", description="x"
    )
    return signal.case


def _referred(world, pupil, target: Role) -> Case:  # type: ignore[no-untyped-def]
    case = _case(world, pupil)
    district = world.district_team.memberships.get().organisation
    Referral.objects.create(case=case, organisation=district, target=target)
    Consent.objects.create(
        child=pupil,
        case=case,
        purpose=Purpose.REFERRAL,
        recipient=district,
        status=Consent.Status.GIVEN,
        method="paper",
        recorded_by=world.coach,
    )
    return case


# --- 1. a referral reaches the function it was made to -------------------------------------


def test_a_referral_to_the_district_team_is_not_the_behavioural_scientists(
    client: Client, world, pupil
) -> None:  # type: ignore[no-untyped-def]
    case = _referred(world, pupil, Role.DISTRICT_TEAM)
    assert sign_in(client, world.district_team).get(f"/cases/{case.pk}/").status_code == 200
    scientist = sign_in(Client(), world.behavioural_scientist)
    assert scientist.get(f"/cases/{case.pk}/").status_code == 404
    assert scientist.get(f"/safety/cases/{case.pk}/meldcode/").status_code == 404
    assert scientist.get(f"/api/cases/{case.pk}").status_code == 404


def test_a_referral_to_the_behavioural_scientist_is_not_the_district_teams(
    client: Client, world, pupil
) -> None:  # type: ignore[no-untyped-def]
    case = _referred(world, pupil, Role.BEHAVIOURAL_SCIENTIST)
    assert sign_in(client, world.district_team).get(f"/api/cases/{case.pk}").status_code == 404
    scientist = sign_in(Client(), world.behavioural_scientist)
    assert scientist.get(f"/api/cases/{case.pk}").status_code == 200


def test_an_accepted_referral_is_the_workers_alone(client: Client, world, pupil) -> None:  # type: ignore[no-untyped-def]
    case = _referred(world, pupil, Role.DISTRICT_TEAM)
    colleague = professional(
        Role.DISTRICT_TEAM, None, organisation=world.district_team.memberships.get().organisation
    )
    Referral.objects.filter(case=case).update(worker=colleague)
    assert sign_in(client, world.district_team).get(f"/cases/{case.pk}/").status_code == 404
    assert sign_in(Client(), colleague).get(f"/cases/{case.pk}/").status_code == 200


# --- 2. the pupil picker shows what the role needs -----------------------------------------


def _page_text(client: Client, url: str) -> str:
    return main_text(client.get(url))


def _pupil_names(client: Client, query: str = "") -> set[str]:
    body = client.get(f"/api/pupils?limit=200{query}").json()
    return {item["given_name"] for item in body["items"]}


def test_a_teacher_picks_from_their_own_groups(client: Client, world, pupil) -> None:  # type: ignore[no-untyped-def]
    elsewhere = ChildFactory(location=world.school, group="8", given_name="Groepachtje")
    names = _pupil_names(sign_in(client, world.teacher))
    assert pupil.given_name in names and elsewhere.given_name not in names
    page = _page_text(client, "/signals/new/")
    assert pupil.given_name in page and elsewhere.given_name not in page
    with pytest.raises(NotFound):
        services.signal_create(
            by=world.teacher, child=elsewhere, domain="learning", urgency="low", description="x"
        )


def test_two_teachers_of_one_school_pick_each_from_their_own_groups(world, pupil) -> None:  # type: ignore[no-untyped-def]
    """A teacher's group names are read through one SQL for every membership (compiled
    once): another teacher's pick is their own groups, not the first one's."""
    other = teaches(professional("teacher", world.school, username="juf8"), world.school, "8")
    eight = ChildFactory(location=world.school, group="8", given_name="Groepachtje")
    for person, theirs, not_theirs in ((world.teacher, pupil, eight), (other, eight, pupil)):
        signed_in = sign_in(Client(), person)
        names = _pupil_names(signed_in)
        assert theirs.given_name in names and not_theirs.given_name not in names
        form = _page_text(signed_in, "/signals/new/")
        assert theirs.given_name in form and not_theirs.given_name not in form


def test_the_swv_and_the_family_specialist_see_pupils_only_through_cases(
    client: Client, world, pupil
) -> None:  # type: ignore[no-untyped-def]
    stranger = ChildFactory(location=world.school, given_name="Vreemdeling")
    for person in (world.swv, world.family_specialist):
        names = _pupil_names(sign_in(Client(), person))
        assert stranger.given_name not in names and pupil.given_name not in names
    case = _case(world, pupil)
    CaseMember.objects.create(case=case, professional=world.swv, role=Role.EDUCATION_SPECIALIST)
    ConsentFactory(child=pupil, case=case, recorded_by=world.coach)
    names = _pupil_names(sign_in(client, world.swv))
    assert pupil.given_name in names and stranger.given_name not in names


def test_the_nurse_finds_a_pupil_by_name_and_date_of_birth_only(
    client: Client, world, pupil
) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, world.nurse)
    assert _pupil_names(client) == set()
    assert pupil.given_name not in _page_text(client, "/signals/new/")
    born = pupil.date_of_birth.isoformat()
    assert _pupil_names(client, f"&name={pupil.family_name}&date_of_birth={born}") == {
        pupil.given_name
    }
    wrong_day = (pupil.date_of_birth + datetime.timedelta(days=1)).isoformat()
    assert _pupil_names(client, f"&name={pupil.family_name}&date_of_birth={wrong_day}") == set()
    found = client.get(f"/signals/new/?name={pupil.family_name}&date_of_birth={born}")
    assert pupil.given_name in found.content.decode()


# --- 3 and 5. summary viewers: no step comments, no siblings -------------------------------


def test_a_summary_viewer_reads_no_step_comment_and_no_sibling(
    client: Client, world, pupil
) -> None:  # type: ignore[no-untyped-def]
    sibling = ChildFactory(family=pupil.family, location=world.school, given_name="Zusje")
    case = _case(world, pupil)
    Step.objects.create(
        case=case,
        transition="evaluate",
        from_state=case.state,
        to_state=case.state,
        by=world.coach,
        role=Role.INTERNAL_COACH,
        comment="Evaluatie: moeder drinkt",
    )
    sign_in(client, world.teacher)
    tabs = [f"/cases/{case.pk}/{tab}" for tab in ("", "journal/", "family/", "network/")]
    page, *other_tabs = (client.get(url).content.decode() for url in tabs)
    api = client.get(f"/api/cases/{case.pk}").content.decode()
    listed = client.get("/api/cases").content.decode()
    work = client.get("/").content.decode()
    for body in (page, *other_tabs, api, listed, work):
        assert "moeder drinkt" not in body
        assert sibling.given_name not in body
    assert pupil.given_name in page and pupil.given_name in api
    coach = sign_in(Client(), world.coach)
    assert sibling.given_name in coach.get(tabs[0]).content.decode()
    assert "moeder drinkt" in coach.get(tabs[1]).content.decode()  # the journal


# --- 4. who owns an action, who chairs ----------------------------------------------------


def test_a_policy_officer_never_owns_an_action(client: Client, world, pupil) -> None:  # type: ignore[no-untyped-def]
    case = _case(world, pupil)
    with pytest.raises(CaseError):
        services.plan_create_version(
            by=world.coach,
            case_id=case.pk,
            summary="",
            evaluation_date=None,
            goals=["Sem leest"],
            actions=[{"description": "Bellen", "owner": world.policy_officer}],
        )
    sign_in(client, world.coach)
    answer = client.post(
        f"/api/cases/{case.pk}/plans",
        {
            "goals": ["Sem leest"],
            "actions": [{"description": "x", "owner_id": world.policy_officer.pk}],
        },
        content_type="application/json",
    )
    assert answer.status_code == 422
    form = client.get(f"/cases/{case.pk}/plan/").content.decode()
    assert str(world.policy_officer) not in form and str(world.teacher) in form


def test_only_a_chair_creates_a_meeting_series(world) -> None:  # type: ignore[no-untyped-def]
    arguments = {
        "kind": "support_team_meeting",
        "name": "VOT",
        "location": world.school,
        "weekday": 1,
        "start_time": datetime.time(9),
        "every_weeks": 2,
        "duration_minutes": 45,
        "members": [],
    }
    with pytest.raises(NotFound):
        meeting_services.series_create(by=world.teacher, **arguments)
    with pytest.raises(CaseError):
        meeting_services.series_create(by=world.coach, **{**arguments, "kind": "care_meeting"})
    assert meeting_services.series_create(by=world.coach, **arguments).chair == world.coach


# --- 6. inzage: the contact person, not any IB ---------------------------------------------


def test_an_ib_who_is_not_the_contact_person_exports_no_inzage(
    client: Client, world, pupil
) -> None:  # type: ignore[no-untyped-def]
    case = _case(world, pupil)
    other_ib = professional(Role.INTERNAL_COACH, world.school, username="ib-collega")
    CaseMember.objects.create(case=case, professional=other_ib, role=Role.INTERNAL_COACH)
    url = f"/api/privacy/families/{case.family_id}/inzage"
    assert sign_in(client, other_ib).get(url).status_code == 404
    assert sign_in(Client(), case.contact_person).get(url).status_code == 200


# --- 7. break-the-glass: only where an emergency can happen --------------------------------


@pytest.mark.django_db(transaction=True)
def test_break_the_glass_stays_at_the_childs_own_location(
    client: Client, world, pupil, smtp_server
) -> None:  # type: ignore[no-untyped-def]
    pupil.bsn = "999990019"
    pupil.save()
    case = _case(world, pupil)
    for outsider in (world.other_coach, world.psychologist):
        answer = sign_in(Client(), outsider).post(
            "/api/safety/emergency-access", {"bsn": pupil.bsn, "reason": "x"}, "application/json"
        )
        assert answer.status_code in (404, 422), outsider
        assert not EmergencyAccess.objects.exists()
    answer = sign_in(client, world.nurse).post(
        "/api/safety/emergency-access",
        {"bsn": pupil.bsn, "reason": "Kind onwel"},
        "application/json",
    )
    assert answer.status_code == 201, answer.content
    told = {m["To"] for m in smtp_server.messages}
    assert case.contact_person.email in told


def test_the_childcare_contact_breaks_the_glass_for_their_childcare(world) -> None:  # type: ignore[no-untyped-def]
    from kansrijk.safety.selectors import emergency_scope
    from tests.factories import LocationFactory

    childcare = LocationFactory(code="ko-test", kind="childcare")
    ChildcareContact.objects.create(location=childcare, professional=world.district_team)
    Membership.objects.filter(professional=world.district_team).update(location=world.school)
    assert childcare.pk in emergency_scope(world.district_team)
    assert childcare.pk not in emergency_scope(world.nurse)
