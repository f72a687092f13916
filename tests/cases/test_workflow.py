"""The zorgroute state machine: every transition allowed and refused per role."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kansrijk.cases import services
from kansrijk.cases.errors import NotFound, TransitionRefused
from kansrijk.cases.models import Case, CaseMember, ContactPersonAssignment, Step
from kansrijk.cases.workflow import TRANSITIONS, CaseState, signal_joined_last
from kansrijk.consent.models import Consent
from tests.cases.route import advance, give_plan, open_case, sister_signalled
from tests.early_years.world import EARLY_EXPECTED

pytestmark = pytest.mark.django_db

#: Which professionals of the `world` fixture may take each transition (start state, data).
EXPECTED = {
    "make_plan": (CaseState.SIGNALLED, {}, {"internal_coach"}),
    "ask_consent": (CaseState.SCHOOL_PLAN, {}, {"internal_coach"}),
    "consent_given": (CaseState.AWAITING_CONSENT, {"method": "paper"}, {"internal_coach"}),
    "consent_refused": (CaseState.AWAITING_CONSENT, {"method": "verbal"}, {"internal_coach"}),
    "check_district_team": (
        CaseState.ON_ATTENTION_LIST,
        {"district_team_check": "not_known"},
        {"family_specialist"},
    ),
    "start_support": (CaseState.CHECKED, {}, {"family_specialist"}),
    "evaluate": (
        CaseState.IN_SUPPORT,
        {"comment": "besproken"},
        {"internal_coach", "education_specialist", "family_specialist", "coordinator"},
    ),
    "continue_support": (CaseState.EVALUATED, {}, {"family_specialist"}),
    "escalate": (
        CaseState.EVALUATED,
        {
            "escalated_to": "district_team",
            "plan_goal": "Wijkteam erbij",
            "referral_consent": "paper",
        },
        {"family_specialist", "coordinator"},
    ),
    "close": (
        CaseState.EVALUATED,
        {"outcome": "with_family_specialist"},
        {"internal_coach", "education_specialist", "family_specialist", "coordinator"},
    ),
    "advice_given": (CaseState.SIGNALLED, {}, {"internal_coach", "coordinator"}),
}
#: The rows after a report to Veilig Thuis: tested with a report in tests/cases/test_new_rows.py.
AFTER_REPORT = {
    "close_after_report",
    "support_after_report",
    "await_veilig_thuis",
    "veilig_thuis_answered",
}


def test_every_transition_has_an_expectation():
    # The rows of the 0–4 route have theirs in tests/early_years (a toddler's case).
    assert set(EXPECTED) | AFTER_REPORT | set(EARLY_EXPECTED) == {t.name for t in TRANSITIONS}


ROLES = [
    "teacher",
    "internal_coach",
    "director",
    "coordinator",
    "education_specialist",
    "family_specialist",
    "district_team",
    "psychologist",
    "behavioural_scientist",
    "school_nurse",
    "community_officer",
    "policy_officer",
]


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_transition_allowed_or_refused_per_role(world, pupil, name, role):
    source, data, allowed = EXPECTED[name]
    case = advance(world, open_case(world, pupil), source)
    user = world.by_role()[role]
    data = dict(data)
    comment = data.pop("comment", "")
    steps_before = Step.objects.filter(case=case).count()
    if role in allowed:
        step = services.case_transition(
            by=user, case_id=case.pk, name=name, comment=comment, data=data
        )
        assert step.from_state == source
        assert Case.objects.get(pk=case.pk).state == step.to_state
        assert Step.objects.filter(case=case).count() == steps_before + 1
    else:
        with pytest.raises((TransitionRefused, NotFound)):
            services.case_transition(
                by=user, case_id=case.pk, name=name, comment=comment, data=data
            )
        assert Case.objects.get(pk=case.pk).state == source
        assert Step.objects.filter(case=case).count() == steps_before


def test_a_role_that_can_see_the_case_is_refused_not_404(world, pupil):
    case = open_case(world, pupil)
    give_plan(world, case)
    with pytest.raises(TransitionRefused, match="Je rol mag"):
        services.case_transition(by=world.teacher, case_id=case.pk, name="make_plan")


def test_a_role_without_access_gets_not_found(world, pupil):
    case = open_case(world, pupil)
    give_plan(world, case)
    with pytest.raises(NotFound):
        services.case_transition(by=world.family_specialist, case_id=case.pk, name="make_plan")
    with pytest.raises(NotFound):
        services.case_transition(by=world.other_coach, case_id=case.pk, name="make_plan")


def test_a_step_from_the_wrong_state_is_refused(world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.SCHOOL_PLAN)
    with pytest.raises(TransitionRefused, match="kan niet zolang"):
        services.case_transition(by=world.coach, case_id=case.pk, name="consent_given")


def test_unknown_transition_is_refused(world, pupil):
    case = open_case(world, pupil)
    with pytest.raises(TransitionRefused):
        services.case_transition(by=world.coach, case_id=case.pk, name="teleport")


@pytest.mark.parametrize(
    ("name", "source", "data", "message"),
    [
        ("close", CaseState.EVALUATED, {}, "uitkomst"),
        ("close", CaseState.EVALUATED, {"outcome": "nonsense"}, "uitkomst"),
        ("check_district_team", CaseState.ON_ATTENTION_LIST, {}, "wijkteam"),
        (
            "check_district_team",
            CaseState.ON_ATTENTION_LIST,
            {"district_team_check": "already_known", "known_team": 1},
            "medewerker",
        ),
        ("escalate", CaseState.EVALUATED, {"escalated_to": "psychologist"}, "plan op maat"),
        (
            "escalate",
            CaseState.EVALUATED,
            {"escalated_to": "astronaut", "plan_goal": "x"},
            "opgeschaald",
        ),
        ("evaluate", CaseState.IN_SUPPORT, {}, "evaluatie"),
    ],
)
def test_guards_refuse_with_a_reason(world, pupil, name, source, data, message):
    case = advance(world, open_case(world, pupil), source)
    with pytest.raises(TransitionRefused, match=message):
        services.case_transition(by=world.family_specialist, case_id=case.pk, name=name, data=data)


def test_make_plan_needs_a_plan(world, pupil):
    case = open_case(world, pupil)
    with pytest.raises(TransitionRefused, match="Maak eerst een plan"):
        services.case_transition(by=world.coach, case_id=case.pk, name="make_plan")


def test_the_whole_route_from_signal_to_closure(world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.CLOSED)
    assert case.state == CaseState.CLOSED
    assert case.outcome == "stayed_regular"
    assert case.closed_at is not None
    names = list(
        Step.objects.filter(case=case).order_by("at", "id").values_list("transition", flat=True)
    )
    assert names == [
        "open",
        "make_plan",
        "ask_consent",
        "consent_given",
        "check_district_team",
        "start_support",
        "evaluate",
        "close",
    ]
    assert Consent.objects.filter(child=pupil, status=Consent.Status.GIVEN).count() == 1


def test_consent_refused_means_school_only_support(world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.AWAITING_CONSENT)
    services.case_transition(
        by=world.coach, case_id=case.pk, name="consent_refused", data={"method": "verbal"}
    )
    case.refresh_from_db()
    assert case.state == CaseState.SCHOOL_PLAN
    assert not CaseMember.objects.filter(case=case, professional=world.family_specialist).exists()
    assert Consent.objects.get(child=pupil).status == Consent.Status.REFUSED
    services.case_transition(
        by=world.coach, case_id=case.pk, name="close", data={"outcome": "school_alone"}
    )
    assert Case.objects.get(pk=case.pk).outcome == "school_alone"


def test_there_is_exactly_one_contact_person_with_history(world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.IN_SUPPORT)
    assert case.contact_person == world.family_specialist
    history = list(ContactPersonAssignment.objects.filter(case=case).order_by("started_at", "id"))
    assert [a.professional for a in history] == [world.coach, world.family_specialist]
    assert [a.ended_at is None for a in history] == [False, True]


def test_already_known_is_recorded_on_the_step(world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.ON_ATTENTION_LIST)
    team = world.district_team.memberships.get().organisation
    step = services.case_transition(
        by=world.family_specialist,
        case_id=case.pk,
        name="check_district_team",
        data={
            "district_team_check": "already_known",
            "known_team": team.pk,
            "known_worker": world.district_team.pk,
            "approach": "Samen met het wijkteam",
        },
    )
    name = world.district_team.get_full_name()
    assert step.data["known_to"] == f"Wijkteam Westwijk, {name}"
    assert step.data["known_worker"] == world.district_team.pk


def test_escalation_refers_with_a_new_plan_version(world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.ESCALATED)
    assert case.plans.count() == 2
    latest = case.plans.order_by("-number").first()
    assert [g.text for g in latest.goals.all()][-1] == "Onderzoek door de psycholoog"
    assert case.referrals.get().organisation.name == "GGZ Delfland"
    # The psychologist may read it to decide; they join the team when they accept it.
    assert not CaseMember.objects.filter(case=case, professional=world.psychologist).exists()


def test_a_signal_about_a_sibling_joins_the_open_case(world, pupil):
    from tests.factories import ChildFactory

    case = open_case(world, pupil)
    sibling = ChildFactory(family=pupil.family, location=world.school, given_name="Lotte")
    signal = services.signal_create(
        by=world.other_teacher,
        child=sibling,
        domain="learning",
        urgency="high",
        description="Lotte leest nog niet.",
    )
    assert signal.case_id == case.pk
    case.refresh_from_db()
    assert case.priority == Case.Priority.HIGH
    assert Case.objects.filter(family=pupil.family).count() == 1
    assert Step.objects.filter(case=case, transition="signal_joined").exists()


def test_after_closure_a_new_signal_opens_a_new_case(world, pupil):
    first = advance(world, open_case(world, pupil), CaseState.CLOSED)
    second = open_case(world, pupil)
    assert second.pk != first.pk
    assert second.state == CaseState.SIGNALLED


def test_a_signal_after_the_evaluation_is_evaluated_before_the_case_closes(world, pupil):
    """Closing would bury the sibling's signal in a closed case: the VOT evaluates it first."""
    case = advance(world, open_case(world, pupil), CaseState.EVALUATED)
    sister_signalled(world, pupil)
    close = {"outcome": "stayed_regular"}
    with pytest.raises(TransitionRefused, match="nieuw signaal binnengekomen"):
        services.case_transition(by=world.coach, case_id=case.pk, name="close", data=close)
    case.refresh_from_db()
    assert case.state == CaseState.EVALUATED
    services.case_transition(by=world.family_specialist, case_id=case.pk, name="continue_support")
    services.case_transition(
        by=world.coach, case_id=case.pk, name="evaluate", comment="Lotte besproken"
    )
    services.case_transition(by=world.coach, case_id=case.pk, name="close", data=close)
    assert Case.objects.get(pk=case.pk).state == CaseState.CLOSED


@pytest.mark.parametrize(
    ("state", "name", "data"),
    [
        (CaseState.SCHOOL_PLAN, "close", {"outcome": "stayed_regular"}),
        (CaseState.SIGNALLED, "advice_given", {}),
    ],
)
def test_a_case_closes_over_a_new_signal_only_once_it_was_read(world, pupil, state, name, data):
    """A signal that joined after the last step is never buried unseen in a closed case:
    closing asks whoever closes to confirm having read it; once confirmed the case closes,
    and a later step makes the signal part of the case's history (no confirmation asked)."""
    case = advance(world, open_case(world, pupil), state)
    sister_signalled(world, pupil)
    with pytest.raises(TransitionRefused, match="nieuw signaal binnengekomen"):
        services.case_transition(by=world.coach, case_id=case.pk, name=name, data=data)
    assert Case.objects.get(pk=case.pk).state == state
    services.case_transition(
        by=world.coach, case_id=case.pk, name=name, data={**data, "new_signal_read": True}
    )
    assert Case.objects.get(pk=case.pk).state == CaseState.CLOSED


def test_a_step_after_the_new_signal_is_where_it_was_read(world, pupil):
    """The IB who makes the plan after the sister's signal came in has acted on it: closing
    later asks nothing more."""
    case = open_case(world, pupil)
    sister_signalled(world, pupil)
    advance(world, case, CaseState.SCHOOL_PLAN)
    services.case_transition(
        by=world.coach, case_id=case.pk, name="close", data={"outcome": "stayed_regular"}
    )
    assert Case.objects.get(pk=case.pk).state == CaseState.CLOSED


def test_a_teacher_cannot_signal_about_a_pupil_of_another_school(world):
    from tests.factories import ChildFactory

    stranger = ChildFactory(location=world.other_school)
    with pytest.raises(NotFound):
        services.signal_create(
            by=world.teacher, child=stranger, domain="health", urgency="low", description="x"
        )


def test_steps_are_append_only(world, pupil):
    case = open_case(world, pupil)
    step = Step.objects.get(case=case)
    step.comment = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        step.save()
    with pytest.raises(ValueError, match="append-only"):
        step.delete()


@pytest.mark.postgres
def test_the_step_written_last_is_read_from_the_cases_own_index(world, pupil):
    """Every open case page asks which step was written last (`signal_joined_last`). Read by
    id without an index on (case, id), PostgreSQL walked all steps of the region backwards
    for a case with a long journal (791 ms at region scale 1.0); now it reads one entry."""
    if connection.vendor != "postgresql":
        pytest.skip("the plan of PostgreSQL")
    case = open_case(world, pupil)
    with CaptureQueriesContext(connection) as asked:
        signal_joined_last(case)
    (query,) = asked.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + query["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan Backward using step_case_written" in plan, plan
