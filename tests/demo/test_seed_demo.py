"""`manage.py seed_demo`: the Westwijk demo loads, is complete, the same every time, and once.

The demo is loaded once per module, in a transaction that is rolled back at the end (the
access log is append-only on PostgreSQL, so it cannot be flushed). A first, throw-away load in
its own rolled-back transaction stands in for "another fresh database" in the determinism test.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from kansrijk.cases.bsn import bsn_is_valid
from kansrijk.cases.models import Case, Child, ContactPersonAssignment, Family, Guardian, Step
from kansrijk.cases.workflow import CaseState, Outcome
from kansrijk.core.models import Professional
from kansrijk.demo.people import CENTRE_CODES, DEMO_PASSWORD, REAL_NAMES, STAFF, seed_people
from kansrijk.demo.pupils import seed_pupils
from kansrijk.demo.westwijk import demo_exists, remove_demo_data, seed_westwijk


def _pupils_and_staff() -> dict[str, object]:
    return {
        "pupils": list(
            Child.objects.order_by(
                "location__code", "group", "family_name", "given_name"
            ).values_list("given_name", "family_name", "group", "location__code", "date_of_birth")
        ),
        "staff": sorted(
            Professional.objects.filter(username__in=[s.username for s in STAFF]).values_list(
                "username", "first_name", "last_name"
            )
        ),
    }


def _counts() -> Counter[str]:
    return Counter(
        families=Family.objects.count(),
        children=Child.objects.count(),
        guardians=Guardian.objects.count(),
        cases=Case.objects.count(),
        steps=Step.objects.count(),
        professionals=Professional.objects.count(),
    )


@dataclass
class Demo:
    first_load: dict[str, object]
    loaded: dict[str, object]
    counts: Counter[str]
    second_output: str
    counts_after_second_run: Counter[str]


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[Demo]:
    """One full load for the module (about 15 s of CPU). The "other fresh database" of the
    determinism test loads the people and pupils only: the names come from there."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        today = timezone.localdate()
        with transaction.atomic():
            seed_pupils(seed_people(), today)
            first_load = _pupils_and_staff()
            transaction.set_rollback(True)
        with transaction.atomic():
            seed_westwijk(other_demos=False, today=today)
            loaded, counts = _pupils_and_staff(), _counts()
            second = StringIO()
            call_command("seed_demo", "--i-know-this-is-a-demo", stdout=second)
            yield Demo(
                first_load=first_load,
                loaded=loaded,
                counts=counts,
                second_output=second.getvalue(),
                counts_after_second_run=_counts(),
            )
            transaction.set_rollback(True)


@pytest.fixture
def loaded(demo: Demo, db: None) -> Demo:
    return demo


def test_every_state_of_the_route_has_a_case(loaded: Demo) -> None:
    states = Counter(Case.objects.values_list("state", flat=True))
    assert set(states) == set(CaseState.values)
    assert 55 <= sum(states.values()) <= 65


def test_closed_cases_have_a_spread_of_outcomes_and_some_cases_stalled(loaded: Demo) -> None:
    outcomes = set(Case.objects.filter(state=CaseState.CLOSED).values_list("outcome", flat=True))
    assert outcomes == set(Outcome.values)
    transitions = Counter(Step.objects.values_list("transition", flat=True))
    assert transitions["escalate"] >= 3
    assert transitions["consent_refused"] >= 2
    assert transitions["signal_joined"] >= 3
    stalled_before = timezone.now() - timedelta(days=settings.KANSRIJK_STALLED_AFTER_DAYS)
    open_cases = Case.objects.exclude(state=CaseState.CLOSED)
    assert open_cases.filter(last_step_at__lt=stalled_before).count() >= 5
    assert open_cases.filter(last_step_at__gte=stalled_before).count() >= 30
    oldest = min(Case.objects.values_list("opened_at", flat=True))
    assert timezone.now() - oldest > timedelta(days=180)


def test_about_600_pupils_about_200_per_centre(loaded: Demo) -> None:
    per_centre = Counter(
        Child.objects.filter(location__code__in=CENTRE_CODES).values_list(
            "location__code", flat=True
        )
    )
    assert set(per_centre) == set(CENTRE_CODES)
    assert all(180 <= n <= 220 for n in per_centre.values())
    groups = set(Child.objects.filter(location__code="pwa").values_list("group", flat=True))
    assert groups == {str(g) for g in range(1, 9)}
    families = Family.objects.filter(children__location__code__in=CENTRE_CODES).distinct()
    assert 250 < families.count() < sum(per_centre.values())  # siblings


def test_every_bsn_is_a_public_test_number(loaded: Demo) -> None:
    bsns = [b for b in Child.objects.values_list("bsn", flat=True) if b is not None]
    assert len(bsns) > 300
    assert Child.objects.filter(bsn=None).exists()
    assert all(bsn.startswith("9999") and bsn_is_valid(bsn) for bsn in bsns)
    assert len(set(bsns)) == len(bsns)


def test_guardians_have_fake_contact_details(loaded: Demo) -> None:
    phones = Guardian.objects.values_list("phone", flat=True)
    assert all(p.startswith("06-") for p in phones)
    emails = [e for e in Guardian.objects.values_list("email", flat=True) if e]
    assert emails and all(e.endswith("@example.org") for e in emails)


def test_no_real_name_from_the_seed_texts(loaded: Demo) -> None:
    people = {p.get_full_name() for p in Professional.objects.all()}
    people |= set(Guardian.objects.values_list("name", flat=True))
    assert not people & REAL_NAMES


def test_every_demo_login_exists_with_the_demo_password(loaded: Demo) -> None:
    for spec in STAFF:
        user = Professional.objects.get(username=spec.username)
        assert user.check_password(DEMO_PASSWORD), spec.username
        assert user.memberships.filter(role=spec.role).exists(), spec.username
        validate_password(DEMO_PASSWORD, user)


def test_each_case_has_exactly_one_current_contact_person(loaded: Demo) -> None:
    current = ContactPersonAssignment.objects.filter(ended_at__isnull=True)
    by_case = Counter(current.values_list("case_id", flat=True))
    assert set(by_case) == set(Case.objects.values_list("pk", flat=True))
    assert set(by_case.values()) == {1}
    for case in Case.objects.all():
        assert current.get(case=case).professional_id == case.contact_person_id


def test_the_same_pupils_and_staff_on_every_fresh_database(demo: Demo) -> None:
    assert demo.first_load == demo.loaded


def test_a_second_run_changes_nothing_and_prints_the_logins(demo: Demo) -> None:
    assert "already loaded" in demo.second_output
    assert demo.counts_after_second_run == demo.counts
    assert DEMO_PASSWORD in demo.second_output
    assert all(spec.username in demo.second_output for spec in STAFF)


def test_reset_removes_the_demo_families_and_keeps_the_logins(loaded: Demo) -> None:
    remove_demo_data()
    assert not demo_exists()
    assert not Case.objects.exists()
    assert not Child.objects.filter(location__code__in=CENTRE_CODES).exists()
    assert Professional.objects.filter(username="ib.pwa").exists()


def test_the_demo_shows_issue_14s_joins(loaded: Demo) -> None:
    """A case escalated to child protection, waiting for the login jeugdbeschermer to answer
    (they may read it, and join the support team when they accept), referrals the other
    specialists accepted, and a family known to the district team whose worker is on the
    support team."""
    from kansrijk.access.matrix import Action
    from kansrijk.access.policies import filter_cases
    from kansrijk.cases.models import Case, CaseMember, Referral, Step
    from kansrijk.core.models import Professional

    referral = Referral.objects.get(target="child_protection")
    assert referral.organisation.name == "Jeugdbescherming West"
    assert referral.answer == Referral.Answer.PENDING
    protector = Professional.objects.get(username="jeugdbeschermer")
    assert not CaseMember.objects.filter(case=referral.case, professional=protector).exists()
    case = Case.objects.filter(pk=referral.case_id)
    assert filter_cases(case, protector, Action.SUMMARY).exists()
    for accepted in Referral.objects.exclude(target="child_protection"):
        assert accepted.answer == Referral.Answer.ACCEPTED
        assert CaseMember.objects.filter(case=accepted.case, professional=accepted.worker).exists()
    known = Step.objects.filter(
        transition="check_district_team", data__district_team_check="already_known"
    ).first()
    assert known is not None
    assert CaseMember.objects.filter(case=known.case, professional__username="wijkteam").exists()
