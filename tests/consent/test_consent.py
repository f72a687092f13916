"""The consent register: who decides, withdrawal at once, legal grounds, referral consent."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from kansrijk.access.matrix import Action
from kansrijk.access.policies import can
from kansrijk.audit.models import AccessLogEntry
from kansrijk.cases import selectors, services
from kansrijk.cases.errors import CaseError, TransitionRefused
from kansrijk.cases.workflow import CaseState
from kansrijk.consent import services as consent_services
from kansrijk.consent.models import Consent, LegalGround, Purpose
from kansrijk.consent.selectors import disclosure_allowed
from kansrijk.core.models import Organisation
from kansrijk.notifications.models import Notification
from tests.auth import sign_in
from tests.cases.route import advance, open_case
from tests.factories import ChildFactory, GuardianFactory

pytestmark = pytest.mark.django_db


def born_years_ago(years: int) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=10)


def test_a_withdrawal_removes_the_case_from_the_recipients_lists_at_once(client, world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.IN_SUPPORT)
    for user in (world.swv, world.family_specialist):
        assert case in selectors.attention_list(user, world.school)
    guardian = pupil.family.guardians.get()
    consent_services.consent_record(
        by=world.coach,
        case_id=case.pk,
        child=pupil,
        purpose=Purpose.DISCUSS_IN_VOT,
        status=Consent.Status.WITHDRAWN,
        method=Consent.Method.VERBAL,
        guardian=guardian,
    )
    for user in (world.swv, world.family_specialist):
        assert case not in selectors.attention_list(user, world.school)
        assert not can(user, Action.SUMMARY, case)
    sign_in(client, world.swv)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert f"/cases/{case.pk}/" not in client.get("/attention-list/schakel/").content.decode()
    # The school's own IB keeps the case, and is the family's contact person again.
    assert case in selectors.attention_list(world.coach, world.school)
    case.refresh_from_db()
    assert case.contact_person == world.coach


def test_under_twelve_a_parent_with_authority_decides(world, pupil):
    case = open_case(world, pupil)
    with pytest.raises(CaseError, match="ouder"):
        consent_services.consent_record(
            by=world.coach,
            case_id=case.pk,
            child=pupil,
            purpose=Purpose.REFERRAL,
            status=Consent.Status.GIVEN,
            method=Consent.Method.PAPER,
        )
    no_authority = GuardianFactory(family=pupil.family, parental_authority=False)
    with pytest.raises(CaseError, match="gezag"):
        consent_services.consent_record(
            by=world.coach,
            case_id=case.pk,
            child=pupil,
            purpose=Purpose.REFERRAL,
            status=Consent.Status.GIVEN,
            method=Consent.Method.PAPER,
            guardian=no_authority,
        )


def test_from_twelve_to_sixteen_both_answer_and_from_sixteen_the_young_person_alone(world):
    teen = ChildFactory(location=world.school, date_of_birth=born_years_ago(13))
    parent = GuardianFactory(family=teen.family)
    case = open_case(world, teen)
    kwargs = {
        "by": world.coach,
        "case_id": case.pk,
        "purpose": Purpose.REFERRAL,
        "status": Consent.Status.GIVEN,
        "method": Consent.Method.VERBAL,
    }
    with pytest.raises(CaseError, match="12 en 16"):
        consent_services.consent_record(child=teen, guardian=parent, **kwargs)
    consent_services.consent_record(child=teen, guardian=parent, by_child=True, **kwargs)

    older = ChildFactory(
        family=teen.family, location=world.school, date_of_birth=born_years_ago(17)
    )
    with pytest.raises(CaseError, match="16"):
        consent_services.consent_record(child=older, guardian=parent, **kwargs)
    consent = consent_services.consent_record(child=older, by_child=True, **kwargs)
    assert consent.by_child and consent.given_by is None


def test_a_new_answer_supersedes_the_previous_one(world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.ON_ATTENTION_LIST)
    first = Consent.objects.get(child=pupil, purpose=Purpose.DISCUSS_IN_VOT)
    consent_services.consent_record(
        by=world.coach,
        case_id=case.pk,
        child=pupil,
        purpose=Purpose.DISCUSS_IN_VOT,
        status=Consent.Status.WITHDRAWN,
        method=Consent.Method.PORTAL,
    )
    first.refresh_from_db()
    assert first.superseded_at is not None
    assert (
        Consent.objects.filter(child=pupil, superseded_at__isnull=True).get().status == "withdrawn"
    )
    assert AccessLogEntry.objects.filter(detail__contains="withdrawn", child_id=pupil.pk).exists()


def test_escalation_asks_the_consent_service_first(world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.EVALUATED)
    ggz = Organisation.objects.get(name="GGZ Delfland")
    assert not disclosure_allowed(case, purpose=Purpose.REFERRAL, organisation=ggz).allowed
    with pytest.raises(TransitionRefused, match="GGZ Delfland"):
        services.case_transition(
            by=world.family_specialist,
            case_id=case.pk,
            name="escalate",
            data={"escalated_to": "psychologist", "plan_goal": "Onderzoek"},
        )
    assert not can(world.psychologist, Action.SUMMARY, case)
    services.case_transition(
        by=world.family_specialist,
        case_id=case.pk,
        name="escalate",
        data={
            "escalated_to": "psychologist",
            "plan_goal": "Onderzoek",
            "referral_consent": "paper",
        },
    )
    decision = disclosure_allowed(case, purpose=Purpose.REFERRAL, organisation=ggz)
    assert (decision.allowed, decision.basis) == (True, "consent")
    assert can(world.psychologist, Action.FULL, case)


def test_a_legal_ground_opens_the_case_and_the_coordinator_sees_it(client, world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.SCHOOL_PLAN)
    ggz = Organisation.objects.get(name="GGZ Delfland")
    from kansrijk.cases.models import CaseMember

    CaseMember.objects.create(case=case, professional=world.psychologist, role="psychologist")
    assert not can(world.psychologist, Action.SUMMARY, case)
    consent_services.legal_ground_record(
        by=world.coach,
        case_id=case.pk,
        organisation=ggz,
        ground=LegalGround.Ground.MELDCODE,
        explanation="Stap 2 meldcode: overleg met deskundige collega.",
    )
    assert can(world.psychologist, Action.SUMMARY, case)
    assert (
        disclosure_allowed(case, purpose=Purpose.REFERRAL, organisation=ggz).basis == "legal_ground"
    )
    assert Notification.objects.filter(
        recipient=world.coordinator, subject__contains=str(case.pk)
    ).exists()
    sign_in(client, world.coordinator)
    page = client.get("/consent/legal-grounds/").content.decode()
    assert "Stap 2 meldcode" in page and "GGZ Delfland" in page
    sign_in(client, world.teacher)
    assert client.get("/consent/legal-grounds/").status_code == 404


def test_the_register_page_records_and_keeps_bad_input(client, world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.ON_ATTENTION_LIST)
    sign_in(client, world.coach)
    page = client.get(f"/consent/cases/{case.pk}/").content.decode()
    assert "Bespreken in het VOT" in page and "Gegeven" in page
    response = client.post(
        f"/consent/cases/{case.pk}/",
        {
            "form": "consent",
            "consent-child": pupil.pk,
            "consent-purpose": "referral",
            "consent-status": "given",
            "consent-method": "paper",
            "consent-valid_until": "2020-01-01",
        },
    )
    assert response.status_code == 400
    assert "De einddatum ligt in het verleden." in response.content.decode()
    assert 'value="2020-01-01"' in response.content.decode()
    guardian = pupil.family.guardians.get()
    response = client.post(
        f"/consent/cases/{case.pk}/",
        {
            "form": "consent",
            "consent-child": pupil.pk,
            "consent-purpose": "referral",
            "consent-status": "given",
            "consent-method": "paper",
            "consent-guardian": guardian.pk,
        },
    )
    assert response.status_code == 302
    assert Consent.objects.filter(purpose="referral", status="given", given_by=guardian).exists()
    sign_in(client, world.teacher)
    assert client.get(f"/consent/cases/{case.pk}/").status_code == 404


def test_the_disclosures_of_a_list_are_those_of_the_register(world):
    """`disclosures` answers a list (an agenda) in one query: per case and organisation what
    the register says — the own organisation, a consent in force to the team or to that
    organisation, a legal ground — and not a withdrawn consent, one that has run out or one
    to another organisation; the same as each case asked alone, whatever the list's length
    (on PostgreSQL one SQL compiled once, issue 17)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kansrijk.cases.models import Case
    from kansrijk.consent.selectors import disclosures

    ggz = Organisation.objects.get(name="GGZ Delfland")
    district = world.family_specialist.memberships.get().organisation
    school = world.school.organisation

    def case_of(state: CaseState) -> Case:
        child = ChildFactory(location=world.school)
        GuardianFactory(family=child.family)
        return advance(world, open_case(world, child), state)

    team = case_of(CaseState.ON_ATTENTION_LIST)  # consent to the team, given on the route
    withdrawn = case_of(CaseState.ON_ATTENTION_LIST)
    consent_services.consent_record(
        by=world.coach, case_id=withdrawn.pk, child=withdrawn.family.children.get(),
        purpose=Purpose.DISCUSS_IN_VOT, status=Consent.Status.WITHDRAWN,
        method=Consent.Method.VERBAL, guardian=withdrawn.family.guardians.get(),
    )  # fmt: skip
    to_ggz, ran_out, grounded, nothing = (case_of(CaseState.SIGNALLED) for _ in range(4))
    consent_services.consent_record(
        by=world.coach, case_id=to_ggz.pk, child=to_ggz.family.children.get(),
        purpose=Purpose.DISCUSS_IN_VOT, status=Consent.Status.GIVEN,
        method=Consent.Method.PAPER, recipient=ggz, guardian=to_ggz.family.guardians.get(),
    )  # fmt: skip
    consent_services.consent_record(
        by=world.coach, case_id=ran_out.pk, child=ran_out.family.children.get(),
        purpose=Purpose.DISCUSS_IN_VOT, status=Consent.Status.GIVEN,
        method=Consent.Method.PAPER, recipient=ggz, valid_until=timezone.localdate(),
        guardian=ran_out.family.guardians.get(),
    )  # fmt: skip
    Consent.objects.filter(child__family=ran_out.family).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    consent_services.legal_ground_record(
        by=world.coach, case_id=grounded.pk, organisation=ggz,
        ground=LegalGround.Ground.MELDCODE, explanation="Stap 2 van de meldcode.",
    )  # fmt: skip
    cases = [team, withdrawn, to_ggz, ran_out, grounded, nothing]
    cases = list(Case.objects.filter(pk__in=[c.pk for c in cases]).select_related("location"))
    by_pk = {c.pk: c for c in cases}
    organisations = [school, ggz, district]
    answers = disclosures(cases, purpose=Purpose.DISCUSS_IN_VOT, organisations=organisations)
    basis = {(by_pk[c].family_id, o): a.basis for (c, o), a in answers.items()}

    def expected(case: Case, organisation: Organisation) -> str:
        if organisation == school:
            return "own_organisation"
        if case == team or (case == to_ggz and organisation == ggz):
            return "consent"
        return "legal_ground" if case == grounded and organisation == ggz else ""

    assert basis == {(c.family_id, o.pk): expected(c, o) for c in cases for o in organisations}
    refused = answers[(nothing.pk, ggz.pk)]
    assert not refused.allowed and "GGZ Delfland" in refused.reason
    for case in cases:
        for organisation in organisations:
            alone = disclosure_allowed(
                case, purpose=Purpose.DISCUSS_IN_VOT, organisation=organisation
            )
            assert alone == answers[(case.pk, organisation.pk)]
    with CaptureQueriesContext(connection) as queries:
        disclosures(cases[:2], purpose=Purpose.DISCUSS_IN_VOT, organisations=organisations[:1])
        disclosures(cases, purpose=Purpose.DISCUSS_IN_VOT, organisations=organisations)
    assert len(queries) == 2
    if connection.vendor == "postgresql":  # the same SQL, other arrays of ids
        first, second = (re.sub(r"'\{[0-9,]*\}'", "ids", q["sql"]) for q in queries)
        assert first == second
