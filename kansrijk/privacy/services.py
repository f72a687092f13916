"""Applying the retention table (kansrijk.privacy.retention): what is due, and removing it.

Every removal is its own transaction with its own access-log entry (the system as actor,
`username="retention"`), so one item that cannot go (another app still refers to it)
is reported and the rest of the run continues.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, ProtectedError, RestrictedError
from django.utils import timezone

from kansrijk.audit.models import Event
from kansrijk.audit.pruning import prunable, prune_before
from kansrijk.audit.services import log_access
from kansrijk.cases.models import Case, Child, Family
from kansrijk.consent.models import Consent
from kansrijk.privacy import retention
from kansrijk.privacy.retention import ANONYMISED, TERMS, Category

logger = logging.getLogger(__name__)
ACTOR = "retention"


@dataclass
class Line:
    """One row of the report: a category, what happens, how many, the oldest date."""

    category: Category
    action: str
    count: int
    oldest: datetime.date | None


@dataclass
class RetentionPlan:
    today: datetime.date
    cases: dict[Category, list[tuple[int, int, datetime.datetime]]]
    families: dict[Category, list[int]]
    pupils: list[tuple[int, datetime.date | None]]
    access_log_count: int
    access_log_oldest: datetime.datetime | None
    access_log_cutoff: datetime.datetime


@dataclass
class RetentionReport:
    dry_run: bool
    lines: list[Line]
    kept: list[str] = field(default_factory=list)


def _purpose(category: Category) -> str:
    term = TERMS[category]
    return f"retention: {category.value} ({term.years} years, {term.basis})"[:200]


def retention_plan(today: datetime.date | None = None) -> RetentionPlan:
    """What the retention table makes due today, without changing anything."""
    today = today or timezone.localdate()
    cases = {
        Category.YOUTH_CARE_FILE: list(
            retention.youth_care_files_due(today).values_list("id", "family_id", "last_entry")
        ),
        Category.SCHOOL_SUPPORT_FILE: list(
            retention.school_support_cases_due(today).values_list("id", "family_id", "last_entry")
        ),
    }
    due_ids = [row[0] for rows in cases.values() for row in rows]
    remaining = Case.objects.filter(family=OuterRef("family_id")).exclude(id__in=due_ids)
    families: dict[Category, list[int]] = {}
    claimed: set[int] = set()
    for category, rows in cases.items():
        touched = {row[1] for row in rows} - claimed
        other_cases = Case.objects.filter(family_id__in=touched).exclude(id__in=due_ids)
        at_school = Child.objects.filter(
            family_id__in=touched, left_on__isnull=True, location__isnull=False
        )
        keep = set(other_cases.values_list("family_id", flat=True)) | set(
            at_school.values_list("family_id", flat=True)
        )
        families[category] = sorted(touched - keep)
        claimed |= touched
    deleted_families = {f for ids in families.values() for f in ids}
    pupils = list(
        retention.pupils_due(today, except_families=deleted_families)
        .exclude(Exists(remaining))
        .values_list("id", "left_on")
    )
    log_cutoff = retention._start_of(retention.cutoff(Category.ACCESS_LOG, today))
    pruning = prunable(log_cutoff)
    return RetentionPlan(
        today=today, cases=cases, families=families, pupils=pupils,
        access_log_count=pruning.count, access_log_oldest=pruning.oldest,
        access_log_cutoff=log_cutoff,
    )  # fmt: skip


def _day(moment: datetime.datetime | datetime.date | None) -> datetime.date | None:
    if isinstance(moment, datetime.datetime):
        return timezone.localtime(moment).date()
    return moment


def _lines(plan: RetentionPlan) -> list[Line]:
    lines = []
    for category, rows in plan.cases.items():
        oldest = min((row[2] for row in rows), default=None)
        lines.append(Line(category, "delete closed case", len(rows), _day(oldest)))
        lines.append(Line(category, "delete family", len(plan.families[category]), None))
    oldest_left = min((row[1] for row in plan.pupils if row[1] is not None), default=None)
    lines.append(
        Line(Category.SCHOOL_SUPPORT_FILE, "anonymise pupil", len(plan.pupils), oldest_left)
    )
    lines.append(
        Line(Category.ACCESS_LOG, "prune access-log entry", plan.access_log_count,
             _day(plan.access_log_oldest))
    )  # fmt: skip
    return lines


def retention_run(*, dry_run: bool, today: datetime.date | None = None) -> RetentionReport:
    """Report (dry run) or remove what is due; each removal logged in the access log."""
    plan = retention_plan(today)
    report = RetentionReport(dry_run=dry_run, lines=_lines(plan))
    if dry_run:
        return report
    from kansrijk.imports.services import purge_expired

    purge_expired()  # pupil files parsed for a preview nobody confirmed in time
    from kansrijk.privacy.files import purge_expired as purge_expired_files

    purge_expired_files()  # inzage PDFs past their seven days
    for category, rows in plan.cases.items():
        for case_id, family_id, last_entry in rows:
            _delete_case(category, case_id, family_id, last_entry, report)
    for category, family_ids in plan.families.items():
        for family_id in family_ids:
            _delete_family(category, family_id, report)
    touched: set[int] = set()
    for child_id, left_on in plan.pupils:
        touched.add(_anonymise_pupil(child_id, left_on))
    for family_id in sorted(touched):
        _anonymise_family_when_done(family_id)
    from kansrijk.matches.services import involvements_prune

    involvements_prune(today=today or timezone.localdate())  # the Verwijsindex term
    if plan.access_log_count:
        try:
            prune_before(plan.access_log_cutoff, purpose=_purpose(Category.ACCESS_LOG))
        except Exception as error:  # a broken chain must not stop the rest; it is reported
            logger.exception("access-log pruning refused")
            report.kept.append(f"access log not pruned: {error}")
    return report


def _delete_case(
    category: Category, case_id: int, family_id: int, last_entry: datetime.datetime,
    report: RetentionReport,
) -> None:  # fmt: skip
    try:
        with transaction.atomic():
            Case.objects.filter(pk=case_id).delete()
            log_access(
                by=None, event=Event.WRITE, username=ACTOR, purpose=_purpose(category),
                case_id=case_id, family_id=family_id,
                detail=f"deleted closed case {case_id}; last entry {_day(last_entry)}",
            )  # fmt: skip
    except (ProtectedError, RestrictedError) as error:
        report.kept.append(f"case {case_id} kept: still referred to by {_referrers(error)}")


def _delete_family(category: Category, family_id: int, report: RetentionReport) -> None:
    try:
        with transaction.atomic():
            family = Family.objects.filter(pk=family_id).first()
            if family is None or family.cases.exists():
                return
            children = list(family.children.values_list("id", flat=True))
            family.delete()
            log_access(
                by=None, event=Event.WRITE, username=ACTOR, purpose=_purpose(category),
                family_id=family_id,
                detail=f"deleted family {family_id} with children {children}, guardians, consents",
            )  # fmt: skip
    except (ProtectedError, RestrictedError) as error:
        report.kept.append(f"family {family_id} kept: still referred to by {_referrers(error)}")


def _anonymise_pupil(child_id: int, left_on: datetime.date | None) -> int:
    with transaction.atomic():
        child = Child.objects.select_for_update().get(pk=child_id)
        child.given_name = ANONYMISED
        child.family_name = ANONYMISED
        child.bsn = None
        child.group = ""
        child.pupil_number = ""
        child.date_of_birth = child.date_of_birth.replace(month=1, day=1)
        child.save(
            update_fields=[
                "given_name",
                "family_name",
                "bsn",
                "group",
                "pupil_number",
                "date_of_birth",
            ]
        )
        consents = Consent.objects.filter(child=child).delete()[0]
        # The school's dyslexia files (issue 16) are school support data: they go too.
        from kansrijk.dyslexia.models import DyslexiaFile

        files = DyslexiaFile.objects.filter(child=child).delete()[1].get("dyslexia.DyslexiaFile", 0)
        log_access(
            by=None, event=Event.WRITE, username=ACTOR,
            purpose=_purpose(Category.SCHOOL_SUPPORT_FILE), family_id=child.family_id,
            child_id=child.pk,
            detail=f"anonymised pupil {child.pk} (left {left_on}); {consents} consents, "
            f"{files} dyslexia files deleted",
        )  # fmt: skip
    return child.family_id


def _anonymise_family_when_done(family_id: int) -> None:
    """When every child is anonymised and no case remains, the family's own data goes too."""
    with transaction.atomic():
        family = Family.objects.select_for_update().get(pk=family_id)
        if family.name == ANONYMISED or family.cases.exists():
            return
        if family.children.exclude(given_name=ANONYMISED, bsn__isnull=True).exists():
            return
        guardians = family.guardians.all().delete()[0]
        family.name = ANONYMISED
        family.address = ""
        family.save(update_fields=["name", "address"])
        log_access(
            by=None, event=Event.WRITE, username=ACTOR,
            purpose=_purpose(Category.SCHOOL_SUPPORT_FILE), family_id=family_id,
            detail=f"anonymised family {family_id}; {guardians} guardians deleted",
        )  # fmt: skip


def _referrers(error: ProtectedError | RestrictedError) -> str:
    objects: Iterable[Any] = (
        getattr(error, "protected_objects", None)
        or getattr(error, "restricted_objects", None)
        or ()
    )
    return ", ".join(sorted({type(o)._meta.label for o in objects})) or "another record"
