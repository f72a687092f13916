"""Referral answers on a page and in the API: the referred function's worker sees the
referrals to it (paged), accepts or returns with a reason, and the sender sees which."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from kansrijk.access.roles import Role
from kansrijk.cases import services
from kansrijk.cases.models import CaseMember, Referral
from kansrijk.cases.workflow import CaseState
from kansrijk.core.models import Professional
from kansrijk.notifications.models import Notification
from tests.auth import sign_in
from tests.cases.route import advance, open_case
from tests.cases.test_api import assert_problem, client_for, post
from tests.factories import ChildFactory, GuardianFactory, professional

pytestmark = pytest.mark.django_db


def _escalate(world, child, to: str = "district_team") -> Referral:
    return _refer(world, advance(world, open_case(world, child), CaseState.EVALUATED), to)


def _refer(world, case, to: str = "district_team") -> Referral:
    services.case_transition(
        by=world.family_specialist,
        case_id=case.pk,
        name="escalate",
        data={"escalated_to": to, "plan_goal": "Wijkteam thuis", "referral_consent": "paper"},
    )
    return case.referrals.get()


def _nl(user) -> Client:
    return sign_in(Client(HTTP_ACCEPT_LANGUAGE="nl"), user)


def test_the_district_team_accepts_and_the_sender_sees_it(world, pupil):
    referral = _escalate(world, pupil)
    worker = _nl(world.district_team)
    page = worker.get("/referrals/").content.decode()
    assert f"Casus {referral.case_id}" in page
    # Each open referral links to its answer; its form is loaded when opened (issue 17).
    answer_url = f"/referrals/{referral.pk}/answer/"
    assert f'href="{answer_url}">Verwijzing beantwoorden</a>' in page
    assert 'name="answer"' not in page
    form = worker.get(answer_url).content.decode()
    assert f"Casus {referral.case_id}" in form and "Antwoord versturen" in form
    assert 'name="answer"' in form and 'name="reason"' in form
    response = worker.post(answer_url, {"answer": "accept"}, follow=True)
    assert "geaccepteerd" in response.content.decode()
    referral.refresh_from_db()
    assert (referral.answer, referral.worker) == ("accepted", world.district_team)
    assert worker.get(answer_url).status_code == 404  # answered: no form any more
    assert "Geaccepteerd" in worker.get("/referrals/").content.decode()
    sender = (
        _nl(world.family_specialist).get(f"/cases/{referral.case_id}/network/").content.decode()
    )
    assert "Geaccepteerd" in sender


def test_returning_without_a_reason_is_refused_and_keeps_the_choice(world, pupil):
    referral = _escalate(world, pupil)
    worker = _nl(world.district_team)
    response = worker.post(f"/referrals/{referral.pk}/answer/", {"answer": "return"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "waarom je de verwijzing teruggeeft" in page
    assert re.search(r'<input[^>]*value="return"[^>]*checked', page)
    referral.refresh_from_db()
    assert referral.answer == "pending"
    worker.post(f"/referrals/{referral.pk}/answer/", {"answer": "return", "reason": "Past bij GGZ"})
    referral.refresh_from_db()
    assert (referral.answer, referral.answer_reason) == ("returned", "Past bij GGZ")
    sender = (
        _nl(world.family_specialist).get(f"/cases/{referral.case_id}/network/").content.decode()
    )
    assert "Teruggegeven" in sender and "Past bij GGZ" in sender


def _colleague(world) -> Professional:
    """A second worker of the district team's function at its organisation."""
    district = world.district_team.memberships.get().organisation
    return professional(Role.DISTRICT_TEAM, None, organisation=district)


def test_a_returned_referral_no_longer_opens_the_case_to_the_function(world, pupil):
    """While a referral stands, every worker of the referred function may read the case; once
    the organisation returned it, no one of it may (nobody of it is on the support team), and
    the referrals page names the case without a link to a page that would answer 404."""
    colleague_user = _colleague(world)
    referral = _escalate(world, pupil)
    colleague, named = _nl(colleague_user), _nl(world.district_team)
    case_url = f"/cases/{referral.case_id}/"
    assert colleague.get(case_url).status_code == 200
    assert named.get(case_url).status_code == 200
    assert f'href="{case_url}"' in colleague.get("/referrals/").content.decode()
    named.post(f"/referrals/{referral.pk}/answer/", {"answer": "return", "reason": "Past bij GGZ"})
    for worker, user in ((colleague, colleague_user), (named, world.district_team)):
        assert worker.get(case_url).status_code == 404
        assert client_for(user).get(f"/api/cases/{referral.case_id}").status_code == 404
        page = worker.get("/referrals/").content.decode()
        assert f"Casus {referral.case_id}" in page and "Teruggegeven" in page
        assert f'href="{case_url}"' not in page
    assert not CaseMember.objects.filter(case=referral.case_id, role=Role.DISTRICT_TEAM).exists()
    # The named worker returned it themselves: nobody to tell but the sender.
    assert not Notification.objects.filter(
        recipient=world.district_team, subject__contains="teruggegeven"
    ).exists()


def test_the_worker_who_accepts_joins_the_team_not_the_one_the_escalation_picked(world, pupil):
    """The escalation picks a worker of the referred function to tell; it does not put them
    on the support team. While the referral stands they may read the case to decide, not
    work in it; accepting it puts them on the team for it (need-to-know: an automatic pick
    is no reason to work in a family's file)."""
    referral = _escalate(world, pupil)
    case_id = referral.case_id
    assert not CaseMember.objects.filter(case=case_id, professional=world.district_team).exists()
    told = Notification.objects.filter(recipient=world.district_team).latest("id")
    assert f"casus {case_id}" in told.subject.lower()
    named = client_for(world.district_team)
    assert named.get(f"/api/cases/{case_id}").status_code == 200
    note = post(named, f"/api/cases/{case_id}/notes", {"text": "Alvast gebeld."})
    assert note.status_code == 404, note.content
    services.referral_answer(by=world.district_team, referral_id=referral.pk, accept=True)
    member = CaseMember.objects.get(case=case_id, professional=world.district_team)
    assert (member.role, member.referral_id) == (Role.DISTRICT_TEAM, referral.pk)
    note = post(named, f"/api/cases/{case_id}/notes", {"text": "Intake gepland."})
    assert note.status_code == 201, note.content


def test_a_colleague_who_accepts_it_is_the_one_with_access(world, pupil):
    """Once a worker accepted the referral, only that worker keeps access: the one who
    accepted joins the support team, the one the escalation told and every other colleague
    lose the read the pending referral gave them."""
    colleague_user = _colleague(world)
    referral = _escalate(world, pupil)
    case_url = f"/cases/{referral.case_id}/"
    colleague = _nl(colleague_user)
    colleague.post(f"/referrals/{referral.pk}/answer/", {"answer": "accept"})
    assert colleague.get(case_url).status_code == 200
    assert _nl(world.district_team).get(case_url).status_code == 404
    team = CaseMember.objects.filter(case=referral.case_id, role=Role.DISTRICT_TEAM)
    assert [m.professional for m in team] == [colleague_user]
    assert not Notification.objects.filter(recipient=colleague_user).exists()
    assert (
        f"Casus {referral.case_id}"
        not in _nl(world.district_team).get("/referrals/").content.decode()
    )


def test_a_worker_put_on_the_team_for_the_referral_by_an_older_escalation_is_settled(world, pupil):
    """Escalations of an earlier version put the worker they picked on the team for the
    referral (`CaseMember.referral`): the answer takes them off when a colleague accepts it,
    and tells them."""
    referral = _escalate(world, pupil)
    CaseMember.objects.create(
        case_id=referral.case_id, professional=world.district_team, role=Role.DISTRICT_TEAM,
        referral=referral,
    )  # fmt: skip
    colleague_user = _colleague(world)
    services.referral_answer(by=colleague_user, referral_id=referral.pk, accept=True)
    team = CaseMember.objects.filter(case=referral.case_id, role=Role.DISTRICT_TEAM)
    assert [m.professional for m in team] == [colleague_user]
    told = Notification.objects.filter(recipient=world.district_team).latest("id")
    assert told.subject == (
        f"Een collega heeft de verwijzing van casus {referral.case_id} geaccepteerd: "
        "die is nu van hem of haar"
    )


def test_a_worker_on_the_team_before_the_referral_stays_on_it(world, pupil):
    """The escalation names a district-team worker who was on the support team already: the
    referral's answer does not take away what it did not give."""
    case = advance(world, open_case(world, pupil), CaseState.EVALUATED)
    CaseMember.objects.create(case=case, professional=world.district_team, role=Role.DISTRICT_TEAM)
    referral = _refer(world, case)
    services.referral_answer(
        by=world.district_team, referral_id=referral.pk, accept=False, reason="Al bekend"
    )
    assert CaseMember.objects.filter(case=case, professional=world.district_team).exists()
    assert _nl(world.district_team).get(f"/cases/{case.pk}/").status_code == 200


def test_others_do_not_see_or_answer_the_referral(world, pupil):
    referral = _escalate(world, pupil)
    psychologist = _nl(world.psychologist)
    assert f"Casus {referral.case_id}" not in psychologist.get("/referrals/").content.decode()
    answer = psychologist.post(f"/referrals/{referral.pk}/answer/", {"answer": "accept"})
    assert answer.status_code == 404
    assert psychologist.get(f"/referrals/{referral.pk}/answer/").status_code == 404
    refused = psychologist.post(f"/referrals/{referral.pk}/answer/", {"answer": "return"})
    assert refused.status_code == 404  # an invalid answer shows nothing of it either
    assert _nl(world.teacher).get("/referrals/").status_code == 404


def test_the_api_lists_and_answers_with_problems_on_bad_input(world, pupil):
    referral = _escalate(world, pupil)
    api = client_for(world.district_team)
    listed = api.get("/api/referrals").json()
    assert listed["count"] == 1
    assert listed["items"][0]["answer"] == "pending"
    url = f"/api/referrals/{referral.pk}/answer"
    problem = assert_problem(post(api, url, {"answer": "return"}), 422)
    assert problem["field"] == "reason"
    assert_problem(post(api, url, {"answer": "maybe"}), 422)
    assert_problem(post(api, url, {"answer": "return", "reason": "\x00"}), 422)
    assert_problem(post(client_for(world.psychologist), url, {"answer": "accept"}), 404)
    done = post(api, url, {"answer": "accept"})
    assert done.status_code == 200, done.content
    assert done.json()["answer"] == "accepted"
    assert_problem(post(api, url, {"answer": "accept"}), 409)


def test_the_referrals_page_is_paged_with_bounded_queries(
    world, pupil, django_assert_max_num_queries: Any
):
    _escalate(world, pupil)
    for _ in range(2):
        child = ChildFactory(location=world.school)
        GuardianFactory(family=child.family)
        _escalate(world, child)
    worker = _nl(world.district_team)
    with django_assert_max_num_queries(14):
        response = worker.get("/referrals/")
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="referral-') == 3
