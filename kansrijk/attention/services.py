"""Writing the kept attention list and the agreements about school (house rule 1: only
services write; every write logs one access in the same transaction)."""

from __future__ import annotations

import datetime
import functools

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kansrijk.access.matrix import Action
from kansrijk.access.policies import (
    ATTENTION_KEEPING_ROLES,
    attention_roles_at,
    can,
    roles_of,
)
from kansrijk.attention import selectors
from kansrijk.attention.models import (
    AttentionChange,
    AttentionEntry,
    AttentionVisit,
    Need,
    SchoolAgreement,
)
from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.models import Case
from kansrijk.cases.states import OPEN_STATES
from kansrijk.core.models import Location, Professional

PURPOSE = "attention list"


def _text(value: str, *, field: str, message: str, limit: int = 500) -> str:
    value = (value or "").strip()
    if not value:
        raise CaseError(message, field=field)
    if len(value) > limit:
        raise CaseError(_("Keep it under %(limit)s characters.") % {"limit": limit}, field=field)
    return value


def _need(value: str) -> str:
    if value not in Need.values:
        raise CaseError(_("Choose what the pupil needs: care, education or both."), field="need")
    return value


def _keeper_role(by: Professional, location: Location) -> str:
    roles = attention_roles_at(by, location.pk) & ATTENTION_KEEPING_ROLES
    if not roles:
        raise NotFound
    return sorted(roles)[0]


def _change(entry: AttentionEntry, by: Professional, role: str, kind: str, detail: str) -> None:
    AttentionChange.objects.create(
        location_id=entry.location_id, entry=entry, kind=kind, detail=detail, by=by, role=role
    )
    log_access(
        by=by,
        event=Event.WRITE,
        purpose=PURPOSE,
        case_id=entry.case_id,
        detail=f"entry {entry.pk}: {kind}",
    )


def entry_from_route(case: Case, *, by: Professional) -> AttentionEntry | None:
    """The case reached the attention-list state: the pupil appears on the school's list
    (called by the route's effect, inside its transaction)."""
    if AttentionEntry.objects.filter(
        case=case, location_id=case.location_id, removed_at__isnull=True
    ).exists():
        return None
    entry = AttentionEntry.objects.create(
        location_id=case.location_id, case=case, source=AttentionEntry.Source.ROUTE, added_by=by
    )
    role = sorted(roles_of(by))[0] if roles_of(by) else ""
    _change(entry, by, role, AttentionChange.Kind.ADDED, _("consent given"))
    return entry


def entry_add(
    *, by: Professional, location: Location, case_id: int, reason: str, need: str
) -> AttentionEntry:
    """The IB or SWV specialist puts a pupil on the list with a reason and what they need."""
    role = _keeper_role(by, location)
    reason = _text(reason, field="reason", message=_("Give the reason for extra attention."))
    need = _need(need)
    with transaction.atomic():
        case = (
            selectors.addable_cases(by, location)
            .select_for_update(of=("self",))
            .filter(pk=case_id)
            .first()
        )
        if case is None:
            if AttentionEntry.objects.filter(
                location=location, case_id=case_id, removed_at__isnull=True
            ).exists():
                raise CaseError(_("This pupil is already on the list."), field="case")
            raise CaseError(_("Choose a pupil from the list."), field="case")
        entry = AttentionEntry.objects.create(
            location=location,
            case=case,
            source=AttentionEntry.Source.ADDED,
            reason=reason,
            need=need,
            added_by=by,
        )
        _change(entry, by, role, AttentionChange.Kind.ADDED, reason)
    return entry


def entry_need(*, by: Professional, entry_id: int, need: str, reason: str = "") -> AttentionEntry:
    """Set what the pupil needs (and, for an entry the route made, the reason)."""
    need = _need(need)
    reason = (reason or "").strip()[:500]
    with transaction.atomic():
        entry = selectors.entry_for(by, entry_id)
        if entry is None:
            raise NotFound
        role = _keeper_role(by, entry.location)
        entry.need = need
        if reason:
            entry.reason = reason
        entry.changed_at = timezone.now()
        entry.save(update_fields=["need", "reason", "changed_at"])
        detail = str(Need(need).label) + (f": {reason}" if reason else "")
        _change(entry, by, role, AttentionChange.Kind.NEED, detail)
    return entry


def entry_remove(*, by: Professional, entry_id: int, reason: str) -> AttentionEntry:
    """Take a pupil off the list, with a reason; the history keeps it."""
    reason = _text(reason, field="reason", message=_("Say why the pupil leaves the list."))
    with transaction.atomic():
        entry = selectors.entry_for(by, entry_id)
        if entry is None:
            raise NotFound
        role = _keeper_role(by, entry.location)
        now = timezone.now()
        entry.removed_at = now
        entry.removed_by = by
        entry.removed_reason = reason
        entry.changed_at = now
        entry.save(update_fields=["removed_at", "removed_by", "removed_reason", "changed_at"])
        _change(entry, by, role, AttentionChange.Kind.REMOVED, reason)
    return entry


def visit(*, by: Professional, location: Location) -> None:
    """Record that the user opened the list now: what changes after it is new to them next
    time (the list reads the previous visit with its entries)."""
    if not selectors.may_read(by, location):
        raise NotFound
    now = timezone.now()
    if not _seen(location.pk, by.pk, now):
        AttentionVisit.objects.create(location=location, professional=by, seen_at=now)


@functools.cache
def _seen_sql(vendor: str) -> str:
    """The UPDATE of one visit's moment, written once per process: every view of the list
    records one, and building the ORM's update cost more than running it (issue 17)."""
    quote = connection.ops.quote_name
    fields = (AttentionVisit.seen_at, AttentionVisit.location, AttentionVisit.professional)
    seen, location, professional = (quote(f.field.column) for f in fields)
    return (
        f"UPDATE {quote(AttentionVisit._meta.db_table)} SET {seen} = %s "  # noqa: S608 - names only
        f"WHERE {location} = %s AND {professional} = %s"
    )


def _seen(location_id: int, professional_id: int, now: datetime.datetime) -> bool:
    """Whether the user's visit of the list existed and now has this moment."""
    at = AttentionVisit.seen_at.field.get_db_prep_save(now, connection)
    with connection.cursor() as cursor:
        cursor.execute(_seen_sql(connection.vendor), [at, location_id, professional_id])
        return bool(cursor.rowcount)


# --- agreements about a vulnerable child at school -------------------------------------------


def agreement_make(
    *,
    by: Professional,
    case_id: int,
    hours_per_week: int,
    guided_by: str,
    parents_present: bool,
    review_on: datetime.date,
) -> SchoolAgreement:
    """The school and the district team agree how the child is at school (seed 001)."""
    guided_by = _text(
        guided_by, field="guided_by", message=_("Say who guides the child at school."), limit=200
    )
    if not 0 < hours_per_week <= 40:
        raise CaseError(_("Give between 1 and 40 hours a week."), field="hours_per_week")
    if review_on < timezone.localdate():
        raise CaseError(_("The review date cannot be in the past."), field="review_on")
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or not can(by, Action.EDIT, case):
            raise NotFound
        if case.state not in OPEN_STATES:
            raise CaseError(_("This case is closed."))
        agreement = SchoolAgreement.objects.create(
            case=case,
            hours_per_week=hours_per_week,
            guided_by=guided_by,
            parents_present=parents_present,
            review_on=review_on,
            made_by=by,
        )
        log_access(
            by=by,
            event=Event.WRITE,
            purpose="school agreement",
            case_id=case.pk,
            detail=f"agreement {agreement.pk}: made",
        )
    return agreement


def agreement_end(*, by: Professional, agreement_id: int, result: str) -> SchoolAgreement:
    """The agreement ends with its result."""
    result = _text(result, field="result", message=_("Write down the result."))
    with transaction.atomic():
        agreement = (
            SchoolAgreement.objects.select_for_update()
            .filter(pk=agreement_id, ended_at__isnull=True)
            .first()
        )
        if agreement is None or not can(by, Action.EDIT, agreement.case_id):
            raise NotFound
        agreement.ended_at = timezone.now()
        agreement.ended_by = by
        agreement.result = result
        agreement.save(update_fields=["ended_at", "ended_by", "result"])
        log_access(
            by=by,
            event=Event.WRITE,
            purpose="school agreement",
            case_id=agreement.case_id,
            detail=f"agreement {agreement.pk}: ended",
        )
    return agreement
