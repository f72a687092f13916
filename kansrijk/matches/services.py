"""The only code that writes the match register. A registration that meets another
organisation's active one on the same child makes a match, and both contacts are told who the
other is (name and organisation, nothing about the child's situation), after commit."""

from __future__ import annotations

import datetime
from functools import partial

from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kansrijk.access.policies import INVOLVEMENT_ROLES, memberships_of
from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access
from kansrijk.cases.bsn import bsn_is_valid
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.core.models import Organisation, Professional
from kansrijk.matches.keys import child_key
from kansrijk.matches.models import Involvement, Match
from kansrijk.matches.selectors import active_involvements

PURPOSE = "match register"
#: The Verwijsindex keeps a registration 5 years after it ended (docs/privacy.md).
RETENTION_YEARS = 5


def acting_organisation(by: Professional) -> Organisation:
    """The organisation a professional (or a partner system's client) registers for: that of
    their first membership in a role that registers involvement."""
    for membership in memberships_of(by):
        if membership.role in INVOLVEMENT_ROLES:
            return membership.organisation
    raise NotFound


def _lock_child(key: str) -> None:
    """Two organisations registering one child at the same moment must see each other: on
    PostgreSQL they queue on an advisory lock for the key (SQLite writes one at a time)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])


def involvement_register(
    *,
    by: Professional,
    bsn: str,
    organisation: Organisation | None = None,
    contact: Professional | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    reference: str = "",
    started_on: datetime.date | None = None,
    case_id: int | None = None,
    child_id: int | None = None,
) -> Involvement:
    """Register (or keep) the organisation's involvement with the child of this BSN and match
    it with the other organisations' active ones. Registering twice is harmless: the active
    registration is returned."""
    bsn = (bsn or "").strip()
    if not bsn_is_valid(bsn):
        raise CaseError(
            _("That is not a valid BSN: it needs nine digits that pass the elfproef."),
            field="bsn",
        )
    if contact is None and not contact_name.strip():
        raise CaseError(
            _("Name the contact the other organisations can call."), field="contact_name"
        )
    if contact is None and not (contact_phone.strip() or contact_email.strip()):
        raise CaseError(_("Give the contact's phone number or e-mail."), field="contact_phone")
    today = timezone.localdate()
    if started_on is not None and started_on > today:
        raise CaseError(_("The start date cannot be in the future."), field="started_on")
    organisation = organisation or acting_organisation(by)
    key = child_key(bsn)
    # No savepoint: within a signal's transaction (cases.hooks) the registration is part of
    # it, nothing of it to roll back alone; two queries a signal fewer (issue 17).
    with transaction.atomic(savepoint=False):
        _lock_child(key)
        active = active_involvements(key)
        own = next((a for a in active if a.organisation_id == organisation.pk), None)
        if own is not None:
            return own
        involvement = Involvement.objects.create(
            child_key=key,
            organisation=organisation,
            contact=contact,
            contact_name=contact_name.strip()[:200],
            contact_phone=contact_phone.strip()[:30],
            contact_email=contact_email.strip(),
            reference=reference.strip()[:100],
            started_on=started_on or today,
            case_id=case_id,
        )
        others = active  # read under the child's lock: nobody else has registered since
        for other in others:
            match = Match.objects.create(first=other, second=involvement)
            _tell_both(match)
        log_access(
            by=by,
            event=Event.WRITE,
            purpose=PURPOSE,
            case_id=case_id,
            child_id=child_id,
            detail=f"involvement {involvement.pk} of {organisation.name}; {len(others)} match(es)",
        )
    return involvement


def involvement_end(
    *, by: Professional, involvement_id: int, ended_on: datetime.date | None = None
) -> Involvement:
    """End one of the organisation's own registrations (another's answers as missing)."""
    today = timezone.localdate()
    with transaction.atomic():
        involvement = (
            Involvement.objects.select_for_update()
            .filter(pk=involvement_id, organisation=acting_organisation(by))
            .first()
        )
        if involvement is None:
            raise NotFound
        if involvement.ended_on is not None:
            return involvement
        ended_on = ended_on or today
        if ended_on > today or ended_on < involvement.started_on:
            raise CaseError(
                _("The end date lies between the start date and today."), field="ended_on"
            )
        involvement.ended_on = ended_on
        involvement.save(update_fields=["ended_on"])
        log_access(
            by=by, event=Event.WRITE, purpose=PURPOSE, case_id=involvement.case_id,
            detail=f"involvement {involvement.pk} ended on {ended_on.isoformat()}",
        )  # fmt: skip
    return involvement


def match_record_lead(*, by: Professional, match_id: int, lead_is_us: bool) -> Match:
    """The acting side records who leads: its own organisation or the other one."""
    organisation = acting_organisation(by)
    with transaction.atomic():
        match = (
            Match.objects.select_for_update()
            .select_related("first", "second")
            .filter(
                Q(first__organisation=organisation) | Q(second__organisation=organisation),
                pk=match_id,
            )
            .first()
        )
        if match is None:
            raise NotFound
        first_side = match.first.organisation_id == organisation.pk
        us, them = (
            (Match.Side.FIRST, Match.Side.SECOND)
            if first_side
            else (Match.Side.SECOND, Match.Side.FIRST)
        )
        choice = us if lead_is_us else them
        if first_side:
            match.lead_by_first = choice
        else:
            match.lead_by_second = choice
        match.save(update_fields=["lead_by_first", "lead_by_second"])
        log_access(
            by=by, event=Event.WRITE, purpose=PURPOSE,
            detail=f"match {match.pk}: lead {'us' if lead_is_us else 'them'}",
        )  # fmt: skip
    return match


def involvements_prune(*, today: datetime.date) -> int:
    """Remove the registrations that ended more than the term ago (and their matches)."""
    try:
        cutoff = today.replace(year=today.year - RETENTION_YEARS)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - RETENTION_YEARS, day=28)
    with transaction.atomic():
        count, _deleted = Involvement.objects.filter(ended_on__lt=cutoff).delete()
        if count:
            log_access(
                by=None, event=Event.WRITE, username="retention", purpose=PURPOSE,
                detail=f"removed registrations ended before {cutoff.isoformat()}",
            )  # fmt: skip
    return count


# --- the notice ------------------------------------------------------------------------------


def _contact_of(involvement: Involvement) -> Professional | None:
    """Kansrijk's own case is reached through its contact person of today."""
    if involvement.case_id is not None:
        from kansrijk.cases.models import Case

        case = Case.objects.filter(pk=involvement.case_id).select_related("contact_person").first()
        if case is not None and case.contact_person is not None:
            return case.contact_person
    return involvement.contact


def _name_of(involvement: Involvement) -> str:
    person = _contact_of(involvement)
    if person is not None:
        return person.get_full_name() or person.get_username()
    return involvement.contact_name


def _tell_both(match: Match) -> None:
    for mine, theirs in ((match.first, match.second), (match.second, match.first)):
        _tell(mine, other_name=_name_of(theirs), other_organisation=theirs.organisation.name)


def _tell(involvement: Involvement, *, other_name: str, other_organisation: str) -> None:
    from kansrijk.matches.tasks import mail_match_notice
    from kansrijk.notifications.services import notify

    subject = _("Also involved: %(organisation)s") % {"organisation": other_organisation}
    body = _(
        "%(organisation)s also registered involvement with a child you registered"
        "%(reference)s. Their contact: %(name)s. Call each other and agree who leads."
    ) % {
        "organisation": other_organisation,
        "name": other_name,
        "reference": f" ({involvement.reference})" if involvement.reference else "",
    }
    person = _contact_of(involvement)
    if person is not None:
        url = (
            reverse("cases:case_detail", args=[involvement.case_id])
            if involvement.case_id is not None
            else ""
        )
        notify(to=person, subject=subject, body=body, url=url)
    elif involvement.contact_email:
        transaction.on_commit(
            partial(mail_match_notice.enqueue, involvement.contact_email, subject, body)
        )


# --- Kansrijk's own cases ----------------------------------------------------------------------


def case_signal_registered(*, case: object, signal: object, by: Professional) -> None:
    """A signal about a child with a BSN registers the case's organisation (the child centre's)
    as involved, with the case's contact person as its contact (cases.hooks)."""
    from kansrijk.cases.models import Case, Signal

    assert isinstance(case, Case) and isinstance(signal, Signal)
    child = signal.child
    if not child.bsn:
        return
    organisation = case.location.organisation
    involvement_register(
        by=by,
        bsn=child.bsn,
        organisation=organisation,
        contact=case.contact_person,
        reference=_("Kansrijk case %(number)s") % {"number": case.pk},
        case_id=case.pk,
        child_id=child.pk,
    )


def case_closed_ended(*, case: object, by: Professional) -> None:
    """A closed case ends the involvements it registered (cases.hooks)."""
    from kansrijk.cases.models import Case

    assert isinstance(case, Case)
    today = timezone.localdate()
    ended = list(
        Involvement.objects.filter(case_id=case.pk, ended_on__isnull=True).values_list(
            "pk", flat=True
        )
    )
    if not ended:
        return
    Involvement.objects.filter(pk__in=ended).update(ended_on=today)
    log_access(
        by=by, event=Event.WRITE, purpose=PURPOSE, case_id=case.pk, family_id=case.family_id,
        detail=f"involvements {','.join(map(str, ended))} ended with the case",
    )  # fmt: skip
