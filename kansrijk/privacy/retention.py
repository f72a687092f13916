"""THE retention table: how long each category of personal data is kept, from when, and
what happens when the term has passed. `kansrijk.privacy.services.retention_run` applies it.

What the categories mean in the data:

* Youth-care file (Jeugdwet art. 7.3.8: 20 years, from the last entry): a CLOSED case in
  which youth care took part — a family specialist, district team, psychologist,
  behavioural scientist or school nurse on its team or taking a step, a referral, a step into
  a youth-care state, or the safety route. Its last entry is the latest of its steps, notes,
  family contacts, plan versions, signals and its closing. When due, the case and everything
  recorded on it are deleted; the family (children, guardians, consents) too when no other
  case of the family remains and no child of it is still at a school.
* School support file (2 years after the pupil left, Child.left_on): a CLOSED case that
  stayed within the school (none of the above), once every child with a signal on it left
  more than 2 years ago and its last entry is older than that — deleted like a youth-care
  file; and a pupil who left more than 2 years ago whose family has no case — anonymised
  (name, BSN, group removed, date of birth reduced to the year; consents deleted; the
  family's name, address and guardians go when all its children are anonymised).
* Match register registration (the Verwijsindex term: 5 years after the involvement ended):
  an ended `matches.Involvement` and its matches are removed (matches.services).
* Access log (NEN 7513: at least 5 years): entries older than the term are pruned from the
  start of the chain by `kansrijk.audit.pruning`, which keeps the rest verifiable.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import (
    DateTimeField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kansrijk.access.roles import Role
from kansrijk.cases.models import (
    Case,
    CaseMember,
    Child,
    FamilyContact,
    Note,
    PlanVersion,
    Referral,
    Signal,
    Step,
)
from kansrijk.cases.workflow import CaseState


class Category(StrEnum):
    YOUTH_CARE_FILE = "youth_care_file"
    SCHOOL_SUPPORT_FILE = "school_support_file"
    ACCESS_LOG = "access_log"
    MATCH_REGISTRATION = "match_registration"


@dataclass(frozen=True)
class Term:
    category: Category
    label: Promise
    years: int
    counted_from: Promise
    when_due: Promise
    basis: str


TERMS: dict[Category, Term] = {
    Category.YOUTH_CARE_FILE: Term(
        Category.YOUTH_CARE_FILE, _("Youth-care file"), 20,
        _("the last entry in the closed case"),
        _("delete the case; the family too when nothing else about it is kept"),
        "Jeugdwet art. 7.3.8",
    ),
    Category.SCHOOL_SUPPORT_FILE: Term(
        Category.SCHOOL_SUPPORT_FILE, _("School support file"), 2,
        _("the day the pupil left the school"),
        _("delete the school-only case; anonymise the pupil when the family has no case"),
        "AVG art. 5(1)(e); Wpo",
    ),
    Category.ACCESS_LOG: Term(
        Category.ACCESS_LOG, _("Access log"), 5,
        _("the moment of access"),
        _("prune the oldest entries, keeping the chain verifiable"),
        "NEN 7513; Besluit elektronische gegevensverwerking door zorgaanbieders art. 3",
    ),
    Category.MATCH_REGISTRATION: Term(
        Category.MATCH_REGISTRATION, _("Match register registration"), 5,
        _("the day the involvement ended"),
        _("remove the registration and its matches (kansrijk.matches)"),
        "Verwijsindex risicojongeren: Jeugdwet §7.1.4 (Stb. 2010, 89)",
    ),
}  # fmt: skip

#: Roles whose part in a case makes it a youth-care file.
YOUTH_CARE_ROLES = frozenset(
    {
        Role.FAMILY_SPECIALIST,
        Role.DISTRICT_TEAM,
        Role.PSYCHOLOGIST,
        Role.BEHAVIOURAL_SCIENTIST,
        Role.SCHOOL_NURSE,
    }
)
#: States on the route that only youth care reaches (seed 001, steps 2 and 3).
YOUTH_CARE_STATES = frozenset(
    {CaseState.CHECKED, CaseState.IN_SUPPORT, CaseState.EVALUATED, CaseState.ESCALATED}
)
#: What an anonymised child's and family's names become.
ANONYMISED = "—"


def cutoff(category: Category, today: datetime.date) -> datetime.date:
    """The day before which the term has passed (29 February counts as 28 February)."""
    years = TERMS[category].years
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def youth_care() -> Q:
    """Cases in which youth care took part (see the module docstring)."""
    case = OuterRef("pk")
    return (
        Q(route=Case.Route.SAFETY)
        | Q(Exists(Referral.objects.filter(case=case)))
        | Q(Exists(CaseMember.objects.filter(case=case, role__in=YOUTH_CARE_ROLES)))
        | Q(
            Exists(
                Step.objects.filter(case=case).filter(
                    Q(role__in=YOUTH_CARE_ROLES) | Q(to_state__in=YOUTH_CARE_STATES)
                )
            )
        )
    )


def _latest(model: type, field: str) -> Subquery:
    rows = model.objects.filter(case=OuterRef("pk")).order_by().values("case")  # type: ignore[attr-defined]
    return Subquery(rows.annotate(latest=Max(field)).values("latest")[:1])


def with_last_entry(queryset: QuerySet[Case]) -> QuerySet[Any]:
    """Annotate `last_entry`: the latest moment anything was recorded on the case."""
    opened = F("opened_at")
    parts = [
        Coalesce(_latest(model, field), opened, output_field=DateTimeField())
        for model, field in (
            (Step, "at"), (Note, "created_at"), (FamilyContact, "happened_at"),
            (PlanVersion, "created_at"), (Signal, "created_at"),
        )
    ]  # fmt: skip
    return queryset.annotate(
        last_entry=Greatest(
            F("last_step_at"),
            Coalesce(F("closed_at"), opened),
            opened,
            *parts,
            output_field=DateTimeField(),
        )
    )


def _start_of(day: datetime.date) -> datetime.datetime:
    from django.utils import timezone

    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def youth_care_files_due(today: datetime.date) -> QuerySet[Any]:
    before = _start_of(cutoff(Category.YOUTH_CARE_FILE, today))
    closed = Case.objects.filter(state=CaseState.CLOSED).filter(youth_care())
    return with_last_entry(closed).filter(last_entry__lt=before).order_by("last_entry", "id")


def school_support_cases_due(today: datetime.date) -> QuerySet[Any]:
    left_before = cutoff(Category.SCHOOL_SUPPORT_FILE, today)
    staying = Signal.objects.filter(case=OuterRef("pk")).filter(
        Q(child__left_on__isnull=True) | Q(child__left_on__gte=left_before)
    )
    closed = Case.objects.filter(state=CaseState.CLOSED).exclude(youth_care())
    return (
        with_last_entry(closed.exclude(Exists(staying)))
        .filter(last_entry__lt=_start_of(left_before))
        .order_by("last_entry", "id")
    )


def pupils_due(today: datetime.date, *, except_families: set[int]) -> QuerySet[Child]:
    """Pupils who left more than the term ago, whose family has no case (left after this run),
    not yet anonymised."""
    left_before = cutoff(Category.SCHOOL_SUPPORT_FILE, today)
    return (
        Child.objects.filter(left_on__lt=left_before)
        .exclude(given_name=ANONYMISED, bsn__isnull=True)
        .exclude(family_id__in=except_families)
        .order_by("left_on", "id")
    )
