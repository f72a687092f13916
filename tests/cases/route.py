"""Walking a case along the zorgroute with the right professional for each step."""

from __future__ import annotations

import datetime

from kansrijk.cases import services
from kansrijk.cases.models import Case, Child
from kansrijk.cases.workflow import CaseState
from tests.conftest import World
from tests.factories import teaches

PATH: list[tuple[str, str, dict]] = [
    ("make_plan", "coach", {}),
    ("ask_consent", "coach", {}),
    ("consent_given", "coach", {"method": "verbal"}),
    ("check_district_team", "family_specialist", {"district_team_check": "not_known"}),
    ("start_support", "family_specialist", {}),
    ("evaluate", "family_specialist", {"comment": "Goed besproken in het VOT."}),
]
STATE_AFTER = {
    CaseState.SIGNALLED: 0,
    CaseState.SCHOOL_PLAN: 1,
    CaseState.AWAITING_CONSENT: 2,
    CaseState.ON_ATTENTION_LIST: 3,
    CaseState.CHECKED: 4,
    CaseState.IN_SUPPORT: 5,
    CaseState.EVALUATED: 6,
}


def open_case(world: World, child: Child) -> Case:
    """The teacher of the child's group signals; a child who has left since was signalled
    while still at school (the history the retention tests need)."""
    left_on = child.left_on
    if left_on is not None:
        Child.objects.filter(pk=child.pk).update(left_on=None)
        child.left_on = None
    if child.location_id == world.school.pk:
        teaches(world.teacher, world.school, child.group)
    signal = services.signal_create(
        by=world.teacher,
        child=child,
        domain="behaviour",
        urgency="normal",
        description="Sem is sinds de herfstvakantie stil en komt vaak te laat.",
    )
    if left_on is not None:
        Child.objects.filter(pk=child.pk).update(left_on=left_on)
        child.left_on = left_on
    return signal.case


def sister_signalled(world: World, pupil: Child) -> Child:
    """Another teacher signals the pupil's sister: the signal joins the family's open case."""
    from tests.factories import ChildFactory

    sister = ChildFactory(family=pupil.family, location=world.school, given_name="Lotte")
    services.signal_create(
        by=world.other_teacher,
        child=sister,
        domain="learning",
        urgency="normal",
        description="Lotte leest nog niet.",
    )
    return sister


def give_plan(world: World, case: Case) -> None:
    services.plan_create_version(
        by=world.coach,
        case_id=case.pk,
        summary="Extra aandacht in de klas",
        evaluation_date=datetime.date(2026, 12, 15),
        goals=["Sem voelt zich veilig in de klas"],
        actions=[
            {
                "description": "Wekelijks gesprek met Sem",
                "owner": world.teacher,
                "due_date": datetime.date(2026, 12, 1),
            }
        ],
    )


def advance(world: World, case: Case, state: CaseState) -> Case:
    """Bring a freshly opened case to `state` along the main path (escalated via evaluated)."""
    if state == CaseState.ESCALATED:
        advance(world, case, CaseState.EVALUATED)
        services.case_transition(
            by=world.family_specialist,
            case_id=case.pk,
            name="escalate",
            data={
                "escalated_to": "psychologist",
                "plan_goal": "Onderzoek door de psycholoog",
                "referral_consent": "verbal",
            },
        )
        return Case.objects.get(pk=case.pk)
    if state == CaseState.CLOSED:
        advance(world, case, CaseState.EVALUATED)
        services.case_transition(
            by=world.coach, case_id=case.pk, name="close", data={"outcome": "stayed_regular"}
        )
        return Case.objects.get(pk=case.pk)
    give_plan(world, case)
    for name, who, data in PATH[: STATE_AFTER[state]]:
        data = dict(data)
        comment = data.pop("comment", "")
        services.case_transition(
            by=getattr(world, who), case_id=case.pk, name=name, comment=comment, data=data
        )
    return Case.objects.get(pk=case.pk)
