"""Issue 14: the rows the route gained (advice given, after a Veilig Thuis report), and that
every form and schema over the rows is derived from them (one row, one truth)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kansrijk.cases import services
from kansrijk.cases.errors import TransitionRefused
from kansrijk.cases.forms import TransitionForm
from kansrijk.cases.models import Case, CaseMember
from kansrijk.cases.schemas import TransitionData
from kansrijk.cases.workflow import TRANSITIONS, CaseState, Kind, Outcome, all_inputs
from kansrijk.core.models import Membership
from kansrijk.meetings.forms import DecisionForm
from kansrijk.monitor.definitions import LEAD_TIMES
from kansrijk.notifications.models import Notification
from kansrijk.safety import services as safety
from tests.cases.route import advance, open_case

pytestmark = pytest.mark.django_db


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
    for transition in TRANSITIONS:
        form = TransitionForm(transition=transition, case=case)
        assert set(form.fields) == {"comment", *(i.name for i in transition.inputs)}
    decision = DecisionForm(transitions=list(TRANSITIONS), owners=[])
    assert {f.name for f in decision.step_fields()} == {
        i.name for i in all_inputs(TRANSITIONS) if i.kind != Kind.GUARDIAN
    }
    closing = {key: names for key, names, _nl, _en in LEAD_TIMES}["lead_closure"]
    assert set(closing) == {"close", "advice_given", "close_after_report"}
