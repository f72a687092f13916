"""The meldcode as a guided, recorded procedure: five steps in order, each recording who,
when and what; acute unsafety reports at once; the case cannot close while it is open."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from kansrijk.audit.models import AccessLogEntry
from kansrijk.cases import services as case_services
from kansrijk.cases.errors import CaseError, NotFound, TransitionRefused
from kansrijk.cases.models import Case, PlanVersion
from kansrijk.cases.workflow import CaseState
from kansrijk.notifications.models import Notification
from kansrijk.safety import services
from kansrijk.safety.models import Decision, Meldcode, MeldcodeStep, VeiligThuisReport
from tests.auth import sign_in
from tests.cases.route import open_case

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 2)
ANSWERS_HELP = {"q1": "yes", "q2": "no", "q3": "yes", "q4": "yes", "q5": "yes"}


def _steps_1_to_3(by, case) -> None:  # type: ignore[no-untyped-def]
    services.meldcode_step(by=by, case_id=case.pk, number=1, summary="Blauwe plekken, 2x.")
    services.meldcode_step(
        by=by,
        case_id=case.pk,
        number=2,
        summary="Eens: zorgelijk.",
        data={"colleague": "aandachtsfunctionaris", "veilig_thuis_advice": True},
    )
    services.meldcode_step(
        by=by,
        case_id=case.pk,
        number=3,
        summary="Moeder schrok.",
        data={"parents": True, "child": True},
    )


def test_each_step_records_who_when_and_what_in_order(world, safety_case):
    coach = world.coach
    with pytest.raises(CaseError, match="stap 1"):
        services.meldcode_step(
            by=coach, case_id=safety_case.pk, number=2, summary="te vroeg", data={"colleague": "x"}
        )
    with pytest.raises(CaseError) as missing:
        services.meldcode_step(by=coach, case_id=safety_case.pk, number=1, summary="  ")
    assert missing.value.field == "summary"
    services.meldcode_step(by=coach, case_id=safety_case.pk, number=1, summary="Blauwe plekken.")
    with pytest.raises(CaseError) as no_colleague:
        services.meldcode_step(by=coach, case_id=safety_case.pk, number=2, summary="overleg")
    assert no_colleague.value.field == "colleague"
    services.meldcode_step(
        by=coach,
        case_id=safety_case.pk,
        number=2,
        summary="Overleg.",
        data={"colleague": "aandachtsfunctionaris", "veilig_thuis_advice": True},
    )
    services.meldcode_step(
        by=world.family_specialist,
        case_id=safety_case.pk,
        number=3,
        summary="Gesprek met moeder.",
        data={"parents": True},
    )
    with pytest.raises(CaseError) as unanswered:
        services.meldcode_step(
            by=coach,
            case_id=safety_case.pk,
            number=4,
            summary="weging",
            data={"q1": "yes", "q2": "no"},
        )
    assert unanswered.value.field == "q3"
    services.meldcode_step(
        by=coach, case_id=safety_case.pk, number=4, summary="Hulp mogelijk.", data=ANSWERS_HELP
    )
    services.meldcode_step(
        by=coach,
        case_id=safety_case.pk,
        number=5,
        summary="GS begeleidt.",
        data={"decision": Decision.HELP},
    )
    steps = list(MeldcodeStep.objects.order_by("number"))
    assert [s.number for s in steps] == [1, 2, 3, 4, 5]
    assert steps[2].by == world.family_specialist and steps[2].data == {
        "parents": True,
        "child": False,
    }
    assert steps[1].data["colleague"] == "aandachtsfunctionaris"
    assert steps[3].data["answers"] == ANSWERS_HELP
    assert all(s.at <= timezone.now() for s in steps)
    meldcode = Meldcode.objects.get()
    assert not meldcode.is_open and meldcode.decision == Decision.HELP
    assert AccessLogEntry.objects.filter(purpose="meldcode", case_id=safety_case.pk).count() == 5
    with pytest.raises(ValueError):
        steps[0].save()


def test_step_5_refuses_help_alone_when_the_answers_call_for_a_report(world, safety_case):
    _steps_1_to_3(world.coach, safety_case)
    services.meldcode_step(
        by=world.coach,
        case_id=safety_case.pk,
        number=4,
        summary="Weigeren.",
        data={**ANSWERS_HELP, "q4": "no"},
    )
    with pytest.raises(CaseError) as refused:
        services.meldcode_step(
            by=world.coach,
            case_id=safety_case.pk,
            number=5,
            summary="hulp",
            data={"decision": Decision.HELP},
        )
    assert refused.value.field == "decision"
    services.meldcode_step(
        by=world.coach,
        case_id=safety_case.pk,
        number=5,
        summary="Melden.",
        data={"decision": Decision.BOTH},
    )
    meldcode = Meldcode.objects.get()
    assert meldcode.is_open and meldcode.report_due  # the report itself is still mandatory
    report = services.meldcode_report(
        by=world.coach, case_id=safety_case.pk, reported_on=TODAY, reference="VT-2026-0042"
    )
    assert (report.reported_by, report.reference, report.acute) == (
        world.coach,
        "VT-2026-0042",
        False,
    )
    assert not Meldcode.objects.get().is_open


def test_acute_unsafety_in_step_4_skips_step_5_and_tells_the_coordinator(world, safety_case):
    _steps_1_to_3(world.coach, safety_case)
    Notification.objects.all().delete()
    services.meldcode_step(
        by=world.coach,
        case_id=safety_case.pk,
        number=4,
        summary="Acuut.",
        data={"q1": "yes", "q2": "yes"},
    )
    meldcode = Meldcode.objects.get()
    assert meldcode.acute and meldcode.report_due and meldcode.decision == Decision.REPORT
    with pytest.raises(CaseError):
        services.meldcode_step(
            by=world.coach,
            case_id=safety_case.pk,
            number=5,
            summary="x",
            data={"decision": Decision.HELP},
        )
    assert Notification.objects.filter(recipient=world.coordinator).exists()
    report = services.meldcode_report(
        by=world.coach, case_id=safety_case.pk, reported_on=TODAY, reference="VT-1"
    )
    assert report.acute


def test_report_now_at_step_1_does_not_wait_for_the_other_steps(world, safety_case):
    report = services.meldcode_report(
        by=world.coach,
        case_id=safety_case.pk,
        reported_on=TODAY,
        reference="VT-acuut",
        note="Kind wil niet naar huis.",
    )
    assert report.acute
    meldcode = Meldcode.objects.get()
    assert not meldcode.is_open and meldcode.decision == Decision.REPORT
    assert MeldcodeStep.objects.count() == 0


def test_report_on_a_care_route_case_opens_the_meldcode_at_p1(world, pupil):
    case = open_case(world, pupil)
    services.meldcode_report(by=world.coach, case_id=case.pk, reported_on=TODAY, reference="VT-9")
    case.refresh_from_db()
    assert (case.priority, case.route) == (Case.Priority.SAFETY, Case.Route.SAFETY)


def test_bad_report_input_is_refused(world, safety_case):
    with pytest.raises(CaseError) as future:
        services.meldcode_report(
            by=world.coach,
            case_id=safety_case.pk,
            reported_on=timezone.localdate() + datetime.timedelta(days=1),
            reference="VT",
        )
    assert future.value.field == "reported_on"
    with pytest.raises(CaseError) as empty:
        services.meldcode_report(
            by=world.coach, case_id=safety_case.pk, reported_on=TODAY, reference=" "
        )
    assert empty.value.field == "reference"


def test_who_may_take_steps(world, safety_case):
    with pytest.raises(CaseError):  # the teacher sees the case (her signal) but does not act
        services.meldcode_step(by=world.teacher, case_id=safety_case.pk, number=1, summary="x")
    with pytest.raises(NotFound):
        services.meldcode_step(by=world.other_coach, case_id=safety_case.pk, number=1, summary="x")
    services.meldcode_step(by=world.coordinator, case_id=safety_case.pk, number=1, summary="ok")


def _close_ready(world, case) -> None:  # type: ignore[no-untyped-def]
    PlanVersion.objects.create(case=case, number=1, created_by=world.coach, summary="plan")
    case_services.case_transition(by=world.coach, case_id=case.pk, name="make_plan")


def test_the_case_cannot_close_while_the_meldcode_is_open(world, safety_case):
    _close_ready(world, safety_case)
    with pytest.raises(TransitionRefused, match="meldcode"):
        case_services.case_transition(
            by=world.coach, case_id=safety_case.pk, name="close", data={"outcome": "school_alone"}
        )
    services.meldcode_report(
        by=world.coach, case_id=safety_case.pk, reported_on=TODAY, reference="VT-7"
    )
    case_services.case_transition(
        by=world.coach, case_id=safety_case.pk, name="close", data={"outcome": "veilig_thuis"}
    )
    safety_case.refresh_from_db()
    assert (safety_case.state, safety_case.outcome) == (CaseState.CLOSED, "veilig_thuis")


def test_the_outcome_reported_to_veilig_thuis_needs_a_recorded_report(world, pupil):
    case = open_case(world, pupil)
    _close_ready(world, case)
    with pytest.raises(TransitionRefused, match="Veilig Thuis"):
        case_services.case_transition(
            by=world.coach, case_id=case.pk, name="close", data={"outcome": "veilig_thuis"}
        )


def test_the_pages_walk_the_five_steps(client, world, safety_case):
    sign_in(client, world.coach)
    url = f"/safety/cases/{safety_case.pk}/meldcode/"
    page = client.get(url).content.decode()
    assert 'data-testid="step-form"' in page and 'name="step1-summary"' in page
    bad = client.post(f"{url}steps/1/", {"step1-summary": ""})
    assert bad.status_code == 400
    posts = [
        (1, {"step1-summary": "Blauwe plekken."}),
        (
            2,
            {
                "step2-summary": "Overleg.",
                "step2-colleague": "AF",
                "step2-veilig_thuis_advice": "on",
            },
        ),
        (3, {"step3-summary": "Gesprek.", "step3-parents": "on"}),
        (
            4,
            {
                "step4-summary": "Weging.",
                **{f"step4-{k}": v for k, v in ANSWERS_HELP.items()},
                "step4-q5": "no",
            },
        ),
    ]
    for number, data in posts:
        assert client.post(f"{url}steps/{number}/", data).status_code == 302, number
    refused = client.post(f"{url}steps/5/", {"step5-summary": "Hulp.", "step5-decision": "help"})
    assert refused.status_code == 400
    assert (
        client.post(
            f"{url}steps/5/", {"step5-summary": "Melden.", "step5-decision": "report"}
        ).status_code
        == 302
    )
    done = client.post(
        f"{url}report/",
        {"report-reported_on": TODAY.isoformat(), "report-reference": "VT-123"},
        follow=True,
    )
    page = done.content.decode()
    assert 'data-testid="veilig-thuis-report"' in page and "VT-123" in page
    assert VeiligThuisReport.objects.get().reported_by == world.coach
    for n in range(1, 6):
        assert f'data-testid="meldcode-step-{n}" data-status="done"' in page


def test_the_teacher_sees_the_status_but_not_the_content(client, world, safety_case):
    services.meldcode_step(
        by=world.coach, case_id=safety_case.pk, number=1, summary="Geheime bevinding"
    )
    sign_in(client, world.teacher)
    page = client.get(f"/safety/cases/{safety_case.pk}/meldcode/").content.decode()
    assert 'data-status="done"' in page and "Geheime bevinding" not in page
    assert 'data-testid="step-form"' not in page
    sign_in(client, world.other_coach)
    assert client.get(f"/safety/cases/{safety_case.pk}/meldcode/").status_code == 404


def test_the_api_walks_the_meldcode_and_refuses_out_of_order(client, world, safety_case):
    sign_in(client, world.coach)
    token = client.get("/api/csrf").json()["csrf_token"]
    base = f"/api/safety/cases/{safety_case.pk}/meldcode"

    def post(path: str, body: dict):  # type: ignore[no-untyped-def]
        return client.post(path, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)

    assert post(f"{base}/steps", {"number": 3, "summary": "x"}).status_code == 409
    assert (
        post(f"{base}/steps", {"number": 1, "summary": "x", "data": {"bogus": 1}}).status_code
        == 422
    )
    assert post(f"{base}/steps", {"number": 1, "summary": "Signalen."}).status_code == 201
    assert (
        post(
            f"{base}/steps", {"number": 2, "summary": "Overleg.", "data": {"colleague": "AF"}}
        ).status_code
        == 201
    )
    assert (
        post(
            f"{base}/steps", {"number": 3, "summary": "Gesprek.", "data": {"parents": False}}
        ).status_code
        == 201
    )
    acute = post(
        f"{base}/steps", {"number": 4, "summary": "Acuut.", "data": {"q1": "yes", "q2": "yes"}}
    )
    assert acute.status_code == 201
    state = client.get(base).json()
    assert state["report_due"] and state["acute"] and state["next_step"] is None
    report = post(f"{base}/report", {"reported_on": TODAY.isoformat(), "reference": "VT-API"})
    assert report.status_code == 201 and report.json()["acute"]
    state = client.get(base).json()
    assert not state["open"] and state["report"]["reference"] == "VT-API"
    with translation.override("en"):
        sign_in(client, world.teacher)
        status = client.get(base).json()
    assert status["steps"][0]["summary"] is None and status["report"]["reference"] is None
