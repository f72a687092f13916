"""Recording consent; the only code that writes the consent register.

Who decides (Wgbo/Jeugdwet): under 12 a parent with parental authority; from 12 to 15 both
the parent and the young person; from 16 the young person alone. A new answer for the same
child × purpose × recipient supersedes the previous one at once, so a withdrawal takes effect
in every list the moment it is saved (access.policies reads only records in force).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kansrijk.access.matrix import Action
from kansrijk.access.policies import can, memberships_of
from kansrijk.access.roles import Role
from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.workflow import ConsentAnswer
from kansrijk.consent.models import Consent, ConsentRequest, LegalGround, Purpose

if TYPE_CHECKING:
    from kansrijk.cases.models import Case, Child, Guardian
    from kansrijk.core.models import Organisation, Professional


def _check_who_decides(child: Child, guardian: Guardian | None, by_child: bool) -> None:
    age = child.age_on(timezone.localdate())
    if guardian is not None and (
        guardian.family_id != child.family_id or not guardian.parental_authority
    ):
        raise CaseError(
            _("Only a parent or carer with parental authority can answer."), field="guardian"
        )
    if age >= 16:
        if not by_child:
            raise CaseError(
                _("%(name)s is 16 or older and decides alone: record the young person's answer.")
                % {"name": child.given_name},
                field="by_child",
            )
    elif age >= 12:
        if guardian is None or not by_child:
            raise CaseError(
                _("%(name)s is between 12 and 16: both a parent and the young person must answer.")
                % {"name": child.given_name},
                field="by_child",
            )
    elif guardian is None:
        raise CaseError(
            _("Choose the parent or carer with parental authority who answered."), field="guardian"
        )


def _write(
    *,
    child: Child,
    case: Case | None,
    purpose: str,
    recipient: Organisation | None,
    status: str,
    guardian: Guardian | None,
    by_child: bool,
    method: str,
    by: Professional | None,
    valid_until: datetime.date | None,
) -> Consent:
    now = timezone.now()
    Consent.objects.filter(
        child=child, purpose=purpose, recipient=recipient, superseded_at__isnull=True
    ).update(superseded_at=now)
    consent = Consent.objects.create(
        child=child,
        case=case,
        purpose=purpose,
        recipient=recipient,
        status=status,
        given_by=guardian,
        by_child=by_child,
        method=method,
        recorded_by=by,
        recorded_at=now,
        valid_until=valid_until,
    )
    # An answer however given (paper, phone, portal) answers the family's open question.
    ConsentRequest.objects.filter(
        child=child, purpose=purpose, recipient=recipient, answered_at__isnull=True
    ).update(answered_at=now, consent=consent)
    return consent


def consent_record(
    *,
    by: Professional,
    case_id: int,
    child: Child,
    purpose: str,
    status: str,
    method: str,
    recipient: Organisation | None = None,
    guardian: Guardian | None = None,
    by_child: bool = False,
    valid_until: datetime.date | None = None,
) -> Consent:
    """Record an answer (given, refused, withdrawn) for one child of the case's family."""
    from kansrijk.cases.models import Case

    if purpose not in Purpose.values:
        raise CaseError(_("Choose the purpose."), field="purpose")
    if status not in Consent.Status.values:
        raise CaseError(_("Choose the answer."), field="status")
    if method not in Consent.Method.values:
        raise CaseError(_("Choose how the answer was given."), field="method")
    if valid_until is not None and valid_until < timezone.localdate():
        raise CaseError(_("The end date lies in the past."), field="valid_until")
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or not can(by, Action.EDIT, case):
            raise NotFound
        if child.family_id != case.family_id:
            raise NotFound
        if status != Consent.Status.WITHDRAWN:
            _check_who_decides(child, guardian, by_child)
        consent = _write(
            child=child,
            case=case,
            purpose=purpose,
            recipient=recipient,
            status=status,
            guardian=guardian,
            by_child=by_child,
            method=method,
            by=by,
            valid_until=valid_until,
        )
        log_access(
            by=by,
            event=Event.WRITE,
            purpose="consent register",
            case_id=case.pk,
            family_id=case.family_id,
            child_id=child.pk,
            detail=f"consent {purpose} {status}",
        )
        if status != Consent.Status.GIVEN:
            from kansrijk.cases.services import contact_person_keep_in_sight

            contact_person_keep_in_sight(case=case, by=by)
    return consent


def consent_record_for_case(
    *,
    case: Case,
    by: Professional,
    answer: ConsentAnswer,
    method: str,
    guardian_id: int | None = None,
    by_child: bool = False,
    purpose: Purpose = Purpose.DISCUSS_IN_VOT,
    recipient: Organisation | None = None,
    children: list[Child] | None = None,
) -> list[Consent]:
    """The answer to the IB's question (seed 001), for every child the case is about (or
    only `children`). Runs inside the caller's transaction (the case transition)."""
    if method not in Consent.Method.values:
        raise CaseError(_("Choose how the answer was given."), field="method")
    guardian = case.family.guardians.filter(pk=guardian_id).first() if guardian_id else None
    if children is None:
        children = sorted(
            {s.child for s in case.signals.select_related("child")}, key=lambda c: c.pk
        )
    status = Consent.Status.GIVEN if answer == ConsentAnswer.GIVEN else Consent.Status.REFUSED
    if guardian is None and children and any(c.age_on(timezone.localdate()) < 16 for c in children):
        guardian = case.family.guardians.filter(parental_authority=True).order_by("id").first()
    consents = []
    for child in children:
        if answer == ConsentAnswer.GIVEN:
            _check_who_decides(
                child, guardian, by_child or child.age_on(timezone.localdate()) >= 12
            )
        consents.append(
            _write(
                child=child,
                case=case,
                purpose=purpose,
                recipient=recipient,
                status=status,
                guardian=guardian,
                by_child=by_child,
                method=method,
                by=by,
                valid_until=None,
            )
        )
    return consents


def legal_ground_record(
    *, by: Professional, case_id: int, organisation: Organisation, ground: str, explanation: str
) -> LegalGround:
    """Share without consent on a legal ground: logged, and the coordinator is told at once."""
    from kansrijk.cases.models import Case
    from kansrijk.core.models import Membership
    from kansrijk.notifications.services import notify

    if ground not in LegalGround.Ground.values:
        raise CaseError(_("Choose the legal ground."), field="ground")
    if not explanation.strip():
        raise CaseError(_("Explain why sharing without consent is necessary."), field="explanation")
    with transaction.atomic():
        case = Case.objects.filter(pk=case_id).first()
        if case is None or not can(by, Action.EDIT, case):
            raise NotFound
        record = LegalGround.objects.create(
            case=case,
            organisation=organisation,
            ground=ground,
            explanation=explanation.strip(),
            recorded_by=by,
        )
        log_access(
            by=by,
            event=Event.WRITE,
            purpose=f"disclosure on legal ground: {ground}",
            case_id=case.pk,
            family_id=case.family_id,
            detail=f"shared with {organisation.name}",
        )
        coordinators = [
            m.professional
            for m in Membership.objects.filter(
                role=Role.COORDINATOR, location=case.location_id
            ).select_related("professional")
        ]
        notify(
            to=coordinators,
            subject=_("Case %(number)s shared without consent") % {"number": case.pk},
            body=_("Legal ground: %(ground)s. Shared with %(organisation)s by %(who)s.")
            % {
                "ground": record.get_ground_display(),
                "organisation": organisation.name,
                "who": by,
            },
            url=reverse("consent:legal_grounds"),
        )
    return record


def coordinator_locations(user: Professional) -> list[int]:
    return [
        m.location_id
        for m in memberships_of(user)
        if m.role == Role.COORDINATOR and m.location_id is not None
    ]


# --- the family's own answers (kansrijk.portal) ---------------------------------------------

GUARDIAN, YOUNG_PERSON = "guardian", "young_person"


def who_decides(child: Child, day: datetime.date | None = None) -> frozenset[str]:
    """Who must answer for this child: under 12 a parent, 12 to 15 both, from 16 the child."""
    age = child.age_on(day or timezone.localdate())
    if age >= 16:
        return frozenset({YOUNG_PERSON})
    if age >= 12:
        return frozenset({GUARDIAN, YOUNG_PERSON})
    return frozenset({GUARDIAN})


def consent_requests_open(
    *,
    case: Case,
    by: Professional,
    purpose: Purpose = Purpose.DISCUSS_IN_VOT,
    recipient: Organisation | None = None,
) -> list[int]:
    """The IB's question to the family, one per child the case is about, answered in the
    portal. Runs inside the caller's transaction (the ask_consent step); the parents get a
    mail that a question waits, without its content."""
    from kansrijk.notifications.family import notify_family

    children = sorted({s.child for s in case.signals.select_related("child")}, key=lambda c: c.pk)
    created = []
    for child in children:
        waiting = ConsentRequest.objects.filter(
            child=child, purpose=purpose, recipient=recipient, answered_at__isnull=True
        )
        if not waiting.exists():
            created.append(
                ConsentRequest.objects.create(
                    case=case, child=child, purpose=purpose, recipient=recipient, asked_by=by
                )
            )
    if created:
        notify_family(family_id=case.family_id, subject=_("A question about your consent"))
    return [r.pk for r in created]


def _acting_party(
    child: Child, guardian: Guardian | None, young_person: Child | None
) -> tuple[str, bool]:
    """Which party the portal user is for this child, and whether they may answer at all."""
    if young_person is not None:
        return YOUNG_PERSON, young_person.pk == child.pk
    if guardian is not None:
        return GUARDIAN, guardian.family_id == child.family_id and guardian.parental_authority
    return "", False


def _tell_asker(request: ConsentRequest | None, case: Case | None) -> None:
    from kansrijk.notifications.services import notify

    asker = (request.asked_by if request else None) or (case.contact_person if case else None)
    if asker is None or case is None:
        return
    notify(
        to=asker,
        subject=_("The family answered a consent question (case %(number)s)") % {"number": case.pk},
        url=reverse("cases:case_detail", kwargs={"case_id": case.pk}),
    )


def consent_answer_in_portal(
    *,
    guardian: Guardian | None,
    young_person: Child | None = None,
    child: Child,
    purpose: str,
    recipient: Organisation | None,
    answer: str,
) -> Consent | None:
    """The family gives, refuses or withdraws consent themselves (method "portal").

    A withdrawal is written at once by anyone who has a say for the child, and the register
    hides the case from the professionals it was shared with on their next request. Giving
    or refusing is kept per party on the open question until everyone who decides (see
    `who_decides`) has answered; a refusal by one of them is the answer. Returns the record
    written, or None while the other party's answer is still awaited."""
    from kansrijk.cases.models import Case
    from kansrijk.cases.workflow import CaseState

    if purpose not in Purpose.values:
        raise CaseError(_("Choose the purpose."), field="purpose")
    if answer not in Consent.Status.values:
        raise CaseError(_("Choose the answer."), field="status")
    party, allowed = _acting_party(child, guardian, young_person)
    if not allowed:
        raise NotFound
    deciders = who_decides(child)
    if party not in deciders:
        raise CaseError(
            _("%(name)s decides about this alone.") % {"name": child.given_name}
            if party == GUARDIAN
            else _("Your parent decides about this."),
            field="status",
        )
    with transaction.atomic():
        case = (
            Case.objects.select_for_update()
            .filter(family=child.family_id)
            .exclude(state=CaseState.CLOSED)
            .first()
        )
        request = (
            ConsentRequest.objects.select_for_update()
            .filter(child=child, purpose=purpose, recipient=recipient, answered_at__isnull=True)
            .first()
        )
        current = Consent.objects.filter(
            child=child, purpose=purpose, recipient=recipient, superseded_at__isnull=True
        ).first()
        final: str | None = answer
        if answer == Consent.Status.WITHDRAWN:
            if current is None or current.status != Consent.Status.GIVEN:
                raise CaseError(_("There is no consent to withdraw."), field="status")
        else:
            if request is None:
                if case is None:
                    raise CaseError(_("There is nothing to answer now."), field="status")
                request = ConsentRequest.objects.create(
                    case=case, child=child, purpose=purpose, recipient=recipient
                )
            if party == GUARDIAN:
                request.guardian_answer, request.guardian = answer, guardian
            else:
                request.child_answer = answer
            answers = {GUARDIAN: request.guardian_answer, YOUNG_PERSON: request.child_answer}
            given = [answers[p] for p in deciders]
            if Consent.Status.REFUSED in given:
                final = Consent.Status.REFUSED
            elif all(a == Consent.Status.GIVEN for a in given):
                final = Consent.Status.GIVEN
            else:
                final = None
        consent = None
        if final is not None:
            consent = _write(
                child=child,
                case=case,
                purpose=purpose,
                recipient=recipient,
                status=final,
                guardian=guardian or (request.guardian if request else None),
                by_child=YOUNG_PERSON in deciders,
                method=Consent.Method.PORTAL,
                by=None,
                valid_until=None,
            )
        if request is not None:
            if consent is not None:
                request.answered_at, request.consent = timezone.now(), consent
            request.save()
        log_access(
            by=None,
            guardian=guardian,
            username="" if guardian else f"young person:{child.pk}",
            event=Event.WRITE,
            purpose="consent register (family portal)",
            case_id=case.pk if case else None,
            family_id=child.family_id,
            child_id=child.pk,
            detail=f"consent {purpose} {answer} by {party}" + ("" if final else " (awaiting)"),
        )
        if consent is not None:
            _tell_asker(request, case)
            if case is not None and final != Consent.Status.GIVEN:
                from kansrijk.cases.services import contact_person_keep_in_sight

                contact_person_keep_in_sight(
                    case=case, by=(request.asked_by if request else None) or case.contact_person
                )
    return consent


def consent_record_for_handover(
    *,
    by: Professional,
    child: Child,
    recipient: Organisation,
    given: bool,
    method: str,
    guardian: Guardian | None = None,
    by_child: bool = False,
) -> Consent:
    """The answer on a warm handover (purpose `warm_handover`, to the receiving school's
    organisation). Who answers follows the child's age (a young person of 12 or older answers
    too, from 16 alone: `by_child`). Runs inside the caller's transaction (early_years and
    special_education services), which checked that `by` prepared the handover and writes
    the access-log entry."""
    if method not in Consent.Method.values:
        raise CaseError(_("Choose how the answer was given."), field="method")
    if guardian is None:
        guardian = child.family.guardians.filter(parental_authority=True).order_by("id").first()
    if given:
        _check_who_decides(child, guardian, by_child)
    return _write(
        child=child,
        case=None,
        purpose=Purpose.WARM_HANDOVER,
        recipient=recipient,
        status=Consent.Status.GIVEN if given else Consent.Status.REFUSED,
        guardian=guardian,
        by_child=by_child,
        method=method,
        by=by,
        valid_until=None,
    )


def consent_record_for_joint_team(
    *,
    by: Professional,
    child: Child,
    provider: Organisation,
    given: bool,
    method: str,
    guardian: Guardian | None = None,
    by_child: bool = False,
) -> Consent:
    """The family's answer on the joint team of an integrated arrangement (purpose
    `joint_team`, to the youth-care provider): the school and the provider share the pupil's
    OPP and care in one plan only while it is in force. Runs inside the caller's transaction
    (special_education.services), which checked that `by` keeps the arrangement and writes
    the access-log entry. Who answers follows the child's age (parents, both, or from 16 the
    young person alone)."""
    if method not in Consent.Method.values:
        raise CaseError(_("Choose how the answer was given."), field="method")
    from kansrijk.consent.selectors import in_force

    _check_who_decides(child, guardian, by_child)
    had = Consent.objects.filter(
        in_force(), child=child, purpose=Purpose.JOINT_TEAM, recipient=provider
    ).exists()
    status = Consent.Status.GIVEN if given else Consent.Status.REFUSED
    if had and not given:
        status = Consent.Status.WITHDRAWN
    return _write(
        child=child,
        case=None,
        purpose=Purpose.JOINT_TEAM,
        recipient=provider,
        status=status,
        guardian=guardian,
        by_child=by_child,
        method=method,
        by=by,
        valid_until=None,
    )


def consent_record_for_dyslexia(
    *,
    by: Professional,
    child: Child,
    given: bool,
    method: str,
    guardian: Guardian | None = None,
) -> Consent:
    """The parents' answer on a dyslexia file (purpose `dyslexia_referral`: the file to the
    SWV's gatekeeper and, when referred, to the dyslexia care provider). Runs inside the
    caller's transaction (dyslexia.services), which checked that `by` writes the file and
    writes the access-log entry."""
    if method not in Consent.Method.values:
        raise CaseError(_("Choose how the answer was given."), field="method")
    if guardian is None:
        guardian = child.family.guardians.filter(parental_authority=True).order_by("id").first()
    if given:
        _check_who_decides(child, guardian, False)
    return _write(
        child=child,
        case=None,
        purpose=Purpose.DYSLEXIA_REFERRAL,
        recipient=None,
        status=Consent.Status.GIVEN if given else Consent.Status.REFUSED,
        guardian=guardian,
        by_child=False,
        method=method,
        by=by,
        valid_until=None,
    )
