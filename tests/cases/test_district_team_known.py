"""Seed 001 step 2: the GS finds the family already known to a district team; that team's
worker joins the support team and is told (by mail after the commit), and the approach agreed
with them is a plan version."""

from __future__ import annotations

import pytest

from kansrijk.cases import services
from kansrijk.cases.errors import TransitionRefused
from kansrijk.cases.forms import TransitionForm
from kansrijk.cases.models import CaseMember
from kansrijk.cases.workflow import BY_NAME, CaseState
from kansrijk.core.models import Organisation
from kansrijk.notifications.models import Notification
from tests.cases.route import advance, open_case
from tests.factories import OrganisationFactory, professional

KNOWN = "already_known"
APPROACH = "Het wijkteam neemt school mee in de huisbezoeken."


def _team(world):
    return Organisation.objects.get(name="Wijkteam Westwijk")


@pytest.mark.django_db(transaction=True)
def test_the_known_worker_joins_is_told_and_the_approach_is_a_plan_version(
    world, pupil, smtp_server
):
    case = advance(world, open_case(world, pupil), CaseState.ON_ATTENTION_LIST)
    plans_before = case.plans.count()
    smtp_server.messages.clear()  # what the steps before mailed (the teacher's action)
    step = services.case_transition(
        by=world.family_specialist,
        case_id=case.pk,
        name="check_district_team",
        data={
            "district_team_check": KNOWN,
            "known_team": _team(world).pk,
            "known_worker": world.district_team.pk,
            "approach": APPROACH,
        },
    )
    assert CaseMember.objects.filter(
        case=case, professional=world.district_team, role="district_team"
    ).exists()
    latest = case.plans.order_by("-number").first()
    assert case.plans.count() == plans_before + 1
    assert [g.text for g in latest.goals.all()][-1] == APPROACH
    assert step.data["plan_version"] == latest.number
    assert step.data["known_to"].startswith("Wijkteam Westwijk, ")
    notice = Notification.objects.get(recipient=world.district_team)
    assert f"casus {case.pk}" in notice.subject
    assert [m["To"] for m in smtp_server.messages] == [world.district_team.email]


def test_a_worker_of_another_team_is_refused(world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.ON_ATTENTION_LIST)
    other = OrganisationFactory(name="Wijkteam Oost", kind=Organisation.Kind.DISTRICT_TEAM)
    stranger = professional("district_team", None, organisation=other, username="oost")
    with pytest.raises(TransitionRefused, match="Wijkteam Westwijk"):
        services.case_transition(
            by=world.family_specialist,
            case_id=case.pk,
            name="check_district_team",
            data={
                "district_team_check": KNOWN,
                "known_team": _team(world).pk,
                "known_worker": stranger.pk,
                "approach": APPROACH,
            },
        )
    case.refresh_from_db()
    assert case.state == CaseState.ON_ATTENTION_LIST
    assert not CaseMember.objects.filter(case=case, professional=stranger).exists()


@pytest.mark.parametrize(
    ("missing", "message"),
    [("known_team", "wijkteam dat"), ("known_worker", "medewerker"), ("approach", "aanpak")],
)
def test_already_known_asks_team_worker_and_approach(world, pupil, missing, message):
    case = advance(world, open_case(world, pupil), CaseState.ON_ATTENTION_LIST)
    data = {
        "district_team_check": KNOWN,
        "known_team": _team(world).pk,
        "known_worker": world.district_team.pk,
        "approach": APPROACH,
    }
    del data[missing]
    with pytest.raises(TransitionRefused, match=message):
        services.case_transition(
            by=world.family_specialist, case_id=case.pk, name="check_district_team", data=data
        )


def test_the_page_form_offers_district_teams_and_their_workers(world, pupil):
    case = open_case(world, pupil)
    form = TransitionForm(
        {"check_district_team-district_team_check": KNOWN},
        transition=BY_NAME["check_district_team"],
        case=case,
    )
    assert not form.is_valid()
    assert set(form.errors) == {"known_team", "known_worker", "approach"}
    teams = [label for _value, label in form.fields["known_team"].choices]
    assert "Wijkteam Westwijk" in teams
    assert "GGZ Delfland" not in teams
    workers = [str(label) for _value, label in form.fields["known_worker"].choices]
    assert any("(Wijkteam Westwijk)" in w for w in workers)
    assert len(workers) == 2  # the blank and the one district-team worker


def test_the_page_form_takes_a_chosen_team_and_worker(world, pupil):
    case = open_case(world, pupil)
    form = TransitionForm(
        {
            "check_district_team-district_team_check": KNOWN,
            "check_district_team-known_team": _team(world).pk,
            "check_district_team-known_worker": world.district_team.pk,
            "check_district_team-approach": APPROACH,
        },
        transition=BY_NAME["check_district_team"],
        case=case,
    )
    assert form.is_valid(), form.errors
    assert form.service_data() == {
        "district_team_check": KNOWN,
        "known_team": _team(world).pk,
        "known_worker": world.district_team.pk,
        "approach": APPROACH,
    }
