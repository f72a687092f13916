"""Issue 14: the rows the route gained (advice given, after a Veilig Thuis report), and that
every form and schema over the rows is derived from them (one row, one truth)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from kansrijk.cases import selectors, services
from kansrijk.cases.errors import CaseError, NotFound, TransitionRefused
from kansrijk.cases.forms import TransitionForm
from kansrijk.cases.models import Case, CaseMember
from kansrijk.cases.schemas import TransitionData
from kansrijk.cases.workflow import TRANSITIONS, CaseState, Kind, Outcome, all_inputs
from kansrijk.core.models import Membership
from kansrijk.meetings.forms import DecisionForm
from kansrijk.monitor.definitions import LEAD_TIMES
from kansrijk.notifications.models import Notification
from kansrijk.safety import services as safety
from tests.cases.route import advance, open_case, sister_signalled

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dutch():  # type: ignore[no-untyped-def]
    """The messages are asserted in Dutch, whatever an earlier test left active."""
    with translation.override("nl"):
        yield


def test_advice_given_closes_from_any_state_before_support(world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.ON_ATTENTION_LIST)
    services.case_transition(by=world.coach, case_id=case.pk, name="advice_given")
    case.refresh_from_db()
    assert (case.state, case.outcome) == (CaseState.CLOSED, Outcome.ADVICE_GIVEN)


def test_advice_given_is_not_offered_once_support_began(world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.IN_SUPPORT)
    with pytest.raises(TransitionRefused, match="niet zolang"):
        services.case_transition(by=world.coach, case_id=case.pk, name="advice_given")


def _report(world, case: Case) -> None:
    safety.meldcode_report(
        by=world.coach,
        case_id=case.pk,
        reported_on=timezone.localdate(),
        reference="VT-2026-0042",
    )


def test_the_rows_after_a_report_need_the_report(world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.SCHOOL_PLAN)
    with pytest.raises(TransitionRefused, match="Veilig Thuis"):
        services.case_transition(by=world.coach, case_id=case.pk, name="await_veilig_thuis")


def test_after_a_report_wait_then_record_the_answer(world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.SCHOOL_PLAN)
    _report(world, case)
    services.case_transition(by=world.coach, case_id=case.pk, name="await_veilig_thuis")
    assert Case.objects.get(pk=case.pk).state == CaseState.AWAITING_VEILIG_THUIS
    with pytest.raises(TransitionRefused, match="antwoord"):
        services.case_transition(by=world.coach, case_id=case.pk, name="veilig_thuis_answered")
    step = services.case_transition(
        by=world.coach,
        case_id=case.pk,
        name="veilig_thuis_answered",
        data={"veilig_thuis_answer": "Onderzoek gestart; school blijft volgen."},
    )
    assert step.data == {"veilig_thuis_answer": "Onderzoek gestart; school blijft volgen."}
    assert Case.objects.get(pk=case.pk).state == CaseState.EVALUATED


def test_after_a_report_close(world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.SCHOOL_PLAN)
    _report(world, case)
    services.case_transition(by=world.coach, case_id=case.pk, name="close_after_report")
    case.refresh_from_db()
    assert (case.state, case.outcome) == (CaseState.CLOSED, Outcome.VEILIG_THUIS)


def test_after_a_report_support_goes_on_with_the_district_team(world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.SCHOOL_PLAN)
    _report(world, case)
    services.case_transition(by=world.coach, case_id=case.pk, name="support_after_report")
    case.refresh_from_db()
    assert case.state == CaseState.IN_SUPPORT
    worker = Membership.objects.filter(role="district_team").order_by("id").first().professional
    assert CaseMember.objects.filter(case=case, professional=worker).exists()
    assert Notification.objects.filter(recipient=worker).exists()


def test_every_form_and_schema_is_derived_from_the_rows(world, pupil):
    """A new row's inputs appear on the case page, in the API and in the meeting's form."""
    case = open_case(world, pupil)
    names = {item.name for item in all_inputs(TRANSITIONS)}
    assert names <= set(TransitionData.model_fields)
    assert "veilig_thuis_answer" in names
    # Confirming a new signal was read is asked only once one came in after the last step.
    for transition in TRANSITIONS:
        form = TransitionForm(transition=transition, case=case)
        asked = {i.name for i in transition.inputs} - {"new_signal_read"}
        assert set(form.fields) == {"comment", *asked}
    sister_signalled(world, pupil)
    case = Case.objects.get(pk=case.pk)
    for transition in TRANSITIONS:
        form = TransitionForm(transition=transition, case=case)
        assert set(form.fields) == {"comment", *(i.name for i in transition.inputs)}
    decision = DecisionForm(transitions=list(TRANSITIONS), owners=[])
    assert {f.name for f in decision.step_fields()} == {
        i.name for i in all_inputs(TRANSITIONS) if i.kind != Kind.GUARDIAN
    }
    closing = {key: names for key, names, _nl, _en in LEAD_TIMES}["lead_closure"]
    assert set(closing) == {"close", "advice_given", "close_after_report", "close_early"}


def test_the_referred_worker_accepts_and_the_sender_sees_it(world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.ESCALATED)
    referral = case.referrals.get()
    services.referral_answer(by=world.psychologist, referral_id=referral.pk, accept=True)
    referral.refresh_from_db()
    assert (referral.answer, referral.worker) == ("accepted", world.psychologist)
    contact = Case.objects.get(pk=case.pk).contact_person
    assert Notification.objects.filter(recipient=contact, subject__contains="geaccepteerd")
    with pytest.raises(CaseError, match="al beantwoord"):
        services.referral_answer(
            by=world.psychologist, referral_id=referral.pk, accept=False, reason="Toch niet."
        )


def test_a_returned_referral_needs_a_reason_and_keeps_it(world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.ESCALATED)
    referral = case.referrals.get()
    with pytest.raises(CaseError, match="waarom"):
        services.referral_answer(by=world.psychologist, referral_id=referral.pk, accept=False)
    services.referral_answer(
        by=world.psychologist, referral_id=referral.pk, accept=False, reason="Past beter bij SMW."
    )
    file = selectors.case_file(world.coach, Case.objects.get(pk=case.pk))
    assert [(r.answer, r.answer_reason) for r in file.referrals] == [
        ("returned", "Past beter bij SMW.")
    ]


def test_only_the_referred_function_answers(world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.ESCALATED)
    referral = case.referrals.get()
    with pytest.raises(NotFound):
        services.referral_answer(by=world.district_team, referral_id=referral.pk, accept=True)


def test_escalation_to_the_district_team_goes_to_the_familys_own_team(world, pupil):
    from kansrijk.core.models import DistrictArea, Organisation
    from tests.factories import OrganisationFactory, ProfessionalFactory

    north = OrganisationFactory(name="Wijkteam Noord", kind=Organisation.Kind.DISTRICT_TEAM)
    DistrictArea.objects.create(postcode_from=3131, postcode_to=3132, district_team=north)
    worker = ProfessionalFactory()
    Membership.objects.create(professional=worker, organisation=north, role="district_team")
    pupil.family.address = "Westlandseweg 12, 3131 AB Vlaardingen"
    pupil.family.save()
    case = advance(world, open_case(world, pupil), CaseState.EVALUATED)
    services.case_transition(
        by=world.family_specialist,
        case_id=case.pk,
        name="escalate",
        data={
            "escalated_to": "district_team",
            "plan_goal": "Wijkteam Noord erbij",
            "referral_consent": "paper",
        },
    )
    assert case.referrals.get().organisation == north
    # Its worker is told; they join the support team when they accept the referral.
    assert Notification.objects.filter(recipient=worker, subject__contains="verwijzing").exists()
    assert not CaseMember.objects.filter(case=case, professional=worker).exists()


def test_an_evaluation_date_in_the_past_is_refused(world, pupil):
    case = open_case(world, pupil)
    with pytest.raises(CaseError, match="verleden") as refused:
        services.plan_create_version(
            by=world.coach,
            case_id=case.pk,
            summary="",
            evaluation_date=timezone.localdate() - datetime.timedelta(days=1),
            goals=["Sem voelt zich veilig"],
            actions=[],
        )
    assert refused.value.field == "evaluation_date"
    assert not case.plans.exists()


def test_the_consent_form_asks_who_answered(world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.AWAITING_CONSENT)
    transition = next(t for t in TRANSITIONS if t.name == "consent_given")
    form = TransitionForm({"consent_given-method": "verbal"}, transition=transition, case=case)
    assert not form.is_valid()
    assert form.errors["guardian"] == ["Kies de ouder of verzorger die antwoord gaf."]
    guardian = pupil.family.guardians.get()
    form = TransitionForm(
        {"consent_given-method": "verbal", "consent_given-guardian": guardian.pk},
        transition=transition,
        case=case,
    )
    assert form.is_valid(), form.errors
    assert form.service_data() == {"guardian": guardian.pk, "method": "verbal"}


def test_the_rows_after_a_report_are_offered_only_after_one(world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.SCHOOL_PLAN)
    offered = {t.name for t in selectors.allowed_transitions(world.coach, case)}
    assert "await_veilig_thuis" not in offered and "advice_given" in offered
    _report(world, case)
    offered = {t.name for t in selectors.allowed_transitions(world.coach, case)}
    assert {"await_veilig_thuis", "close_after_report", "support_after_report"} <= offered
