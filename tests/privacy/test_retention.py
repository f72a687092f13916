"""Retention: what is due per category (dry run), and removing it, each removal logged."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from kansrijk.audit.models import AccessLogEntry, ChainHead, Event
from kansrijk.audit.pruning import prune_before
from kansrijk.audit.services import log_access
from kansrijk.audit.verification import verify_log
from kansrijk.cases import services
from kansrijk.cases.models import (
    Case,
    Child,
    Family,
    FamilyContact,
    Guardian,
    Note,
    PlanVersion,
    Signal,
    Step,
)
from kansrijk.cases.workflow import CaseState
from kansrijk.consent.models import Consent
from kansrijk.privacy.retention import ANONYMISED, TERMS, Category
from kansrijk.privacy.services import retention_run
from kansrijk.privacy.tasks import retention_nightly
from tests.cases.route import advance, give_plan, open_case
from tests.conftest import World
from tests.factories import ChildFactory, GuardianFactory
from tests.roles import as_owner

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def years_ago(years: int, days: int = 0) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=365 * years + years // 4 + 1 + days)


def backdate(case: Case, when: datetime.datetime) -> None:
    """Move everything recorded on the case back in time (as if it happened then)."""
    Step.objects.filter(case=case).update(at=when)
    Note.objects.filter(case=case).update(created_at=when)
    FamilyContact.objects.filter(case=case).update(happened_at=when)
    PlanVersion.objects.filter(case=case).update(created_at=when)
    Signal.objects.filter(case=case).update(created_at=when)
    Case.objects.filter(pk=case.pk).update(opened_at=when, closed_at=when, last_step_at=when)


def pupil_in(world: World, name: str, left_years_ago: float | None) -> Child:
    left = (
        None
        if left_years_ago is None
        else TODAY - datetime.timedelta(days=int(365.25 * left_years_ago))
    )
    child: Child = ChildFactory(  # type: ignore[assignment]
        location=world.school, given_name=name, family_name=name + "s", left_on=left, bsn=None
    )
    GuardianFactory(family=child.family, name=f"ouder van {name}")
    return child


def youth_care_case(world: World, child: Child) -> Case:
    case = advance(world, open_case(world, child), CaseState.CLOSED)
    services.note_add(by=world.family_specialist, case_id=case.pk, text="Afsluitend gesprek.")
    return case


def school_case(world: World, child: Child) -> Case:
    case = open_case(world, child)
    give_plan(world, case)
    services.case_transition(by=world.coach, case_id=case.pk, name="make_plan")
    services.case_transition(
        by=world.coach, case_id=case.pk, name="close", data={"outcome": "school_alone"}
    )
    return Case.objects.get(pk=case.pk)


def line(report, category: Category, action: str):
    return next(x for x in report.lines if x.category == category and x.action == action)


def test_the_table_holds_the_legal_terms() -> None:
    assert TERMS[Category.YOUTH_CARE_FILE].years == 20
    assert TERMS[Category.SCHOOL_SUPPORT_FILE].years == 2
    assert TERMS[Category.ACCESS_LOG].years >= 5


def test_a_youth_care_file_goes_20_years_after_its_last_entry(world: World) -> None:
    old = pupil_in(world, "Oud", left_years_ago=15)
    recent = pupil_in(world, "Recent", left_years_ago=15)
    old_case = youth_care_case(world, old)
    recent_case = youth_care_case(world, recent)
    backdate(old_case, years_ago(21))
    backdate(recent_case, years_ago(19))

    report = retention_run(dry_run=True)
    due = line(report, Category.YOUTH_CARE_FILE, "delete closed case")
    assert due.count == 1
    assert due.oldest == timezone.localtime(years_ago(21)).date()
    assert line(report, Category.YOUTH_CARE_FILE, "delete family").count == 1
    assert Case.objects.filter(pk=old_case.pk).exists()  # a dry run changes nothing

    retention_run(dry_run=False)
    assert not Case.objects.filter(pk=old_case.pk).exists()
    assert not Family.objects.filter(pk=old.family_id).exists()
    assert not Guardian.objects.filter(family_id=old.family_id).exists()
    assert not Consent.objects.filter(child_id=old.pk).exists()
    assert Case.objects.filter(pk=recent_case.pk).exists()
    removals = AccessLogEntry.objects.filter(username="retention", event=Event.WRITE)
    assert {(e.case_id, e.family_id) for e in removals} == {
        (old_case.pk, old.family_id),
        (None, old.family_id),
    }
    assert all("Jeugdwet art. 7.3.8" in e.purpose for e in removals)
    assert verify_log().intact


def test_the_family_stays_while_a_child_is_still_at_school(world: World) -> None:
    child = pupil_in(world, "Blijft", left_years_ago=None)
    case = youth_care_case(world, child)
    backdate(case, years_ago(21))
    retention_run(dry_run=False)
    assert not Case.objects.filter(pk=case.pk).exists()
    assert Child.objects.get(pk=child.pk).given_name == "Blijft"


def test_a_school_support_case_goes_2_years_after_the_pupil_left(world: World) -> None:
    left = pupil_in(world, "Weg", left_years_ago=3)
    just_left = pupil_in(world, "Net", left_years_ago=1)
    gone_case = school_case(world, left)
    kept_case = school_case(world, just_left)
    backdate(gone_case, years_ago(3))
    backdate(kept_case, years_ago(3))

    report = retention_run(dry_run=True)
    assert line(report, Category.SCHOOL_SUPPORT_FILE, "delete closed case").count == 1
    assert line(report, Category.YOUTH_CARE_FILE, "delete closed case").count == 0

    retention_run(dry_run=False)
    assert not Case.objects.filter(pk=gone_case.pk).exists()
    assert not Family.objects.filter(pk=left.family_id).exists()
    assert Case.objects.filter(pk=kept_case.pk).exists()


def test_a_pupil_who_left_over_2_years_ago_without_a_case_is_anonymised(world: World) -> None:
    gone = pupil_in(world, "Anna", left_years_ago=2.5)
    gone.bsn = "123456782"
    gone.save()
    staying = pupil_in(world, "Bram", left_years_ago=1)
    report = retention_run(dry_run=True)
    pupils = line(report, Category.SCHOOL_SUPPORT_FILE, "anonymise pupil")
    assert (pupils.count, pupils.oldest) == (1, gone.left_on)

    retention_run(dry_run=False)
    gone.refresh_from_db()
    assert (gone.given_name, gone.family_name, gone.bsn, gone.group) == (
        ANONYMISED,
        ANONYMISED,
        None,
        "",
    )
    assert gone.date_of_birth == datetime.date(2017, 1, 1)
    assert gone.left_on is not None  # the monitor still counts that a pupil left
    family = Family.objects.get(pk=gone.family_id)
    assert family.name == ANONYMISED
    assert not family.guardians.exists()
    assert Child.objects.get(pk=staying.pk).given_name == "Bram"
    entry = AccessLogEntry.objects.get(username="retention", child_id=gone.pk)
    assert "anonymised pupil" in entry.detail
    assert retention_run(dry_run=True).lines[-2].count == 0  # done once, not again


def test_access_log_entries_older_than_the_term_are_pruned_and_the_chain_still_verifies(
    on_postgres: bool,
) -> None:
    for n in range(4):
        log_access(
            by=None, event=Event.READ, username="old", detail=str(n), at=years_ago(6, days=n)
        )
    young = [log_access(by=None, event=Event.READ, username="young") for _ in range(3)]

    report = retention_run(dry_run=True)
    pruned = line(report, Category.ACCESS_LOG, "prune access-log entry")
    assert pruned.count == 4
    assert AccessLogEntry.objects.count() == 7

    with as_owner():  # pruning deletes rows: the owner role's monthly job on PostgreSQL
        retention_run(dry_run=False)
    assert not AccessLogEntry.objects.filter(username="old").exists()
    head = ChainHead.objects.get()
    assert head.pruned == 4
    assert head.base_id == young[0].pk - 1
    chain = verify_log()
    assert chain.intact, chain.broken
    assert chain.entries == 4  # three young ones and the record of the pruning
    assert "access log pruned: 4 entries" in AccessLogEntry.objects.last().detail  # type: ignore[union-attr]
    if on_postgres:
        with (
            as_owner(),
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("DELETE FROM audit_accesslogentry WHERE id = %s", [young[0].pk])


def test_the_application_role_cannot_prune_and_the_run_says_so(on_postgres: bool) -> None:
    if not on_postgres:
        pytest.skip("roles exist on PostgreSQL only")
    log_access(by=None, event=Event.READ, username="old", at=years_ago(6))
    report = retention_run(dry_run=False)
    assert AccessLogEntry.objects.filter(username="old").exists()
    assert any("access log not pruned" in kept for kept in report.kept), report.kept


def test_pruning_refuses_anything_younger_than_5_years() -> None:
    with pytest.raises(ValueError, match="at least 5 years"):
        prune_before(years_ago(4), purpose="test")


def test_the_command_reports_per_category_and_the_dry_run_changes_nothing(world: World) -> None:
    gone = pupil_in(world, "Cas", left_years_ago=3)
    out = StringIO()
    call_command("retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "youth_care_file" in text and "school_support_file" in text and "access_log" in text
    assert f"anonymise pupil                1  {gone.left_on.isoformat()}" in text  # type: ignore[union-attr]
    assert Child.objects.get(pk=gone.pk).given_name == "Cas"
    call_command("retention", stdout=StringIO())
    assert Child.objects.get(pk=gone.pk).given_name == ANONYMISED


def test_the_nightly_task_runs_the_same_retention(world: World) -> None:
    gone = pupil_in(world, "Daan", left_years_ago=3)
    summary: dict[str, Any] = retention_nightly.enqueue().return_value  # type: ignore[assignment]
    assert summary["kept"] == []
    assert any(x["action"] == "anonymise pupil" and x["count"] == 1 for x in summary["lines"])
    assert Child.objects.get(pk=gone.pk).given_name == ANONYMISED
