"""The only code that writes integrated arrangements (house rule 1). Every function takes the
acting professional as `by=` (`None` for the daily renewal task), checks through
`special_education.selectors` that they may, writes one access-log entry in the same
transaction and leaves mail to notifications.notify (sent after commit)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.models import Child, Guardian
from kansrijk.core.models import Location, Professional
from kansrijk.notifications.services import notify
from kansrijk.special_education import selectors
from kansrijk.special_education.models import Arrangement, PlanEntry

PURPOSE = "integrated arrangement"
#: At most this many hours of youth care a week fit next to a school week.
MAX_HOURS = Decimal("40")
#: Fields of the arrangement the keeper edits (education part, youth-care part, package).
EDITABLE = (
    "opp_goals",
    "opp_support",
    "provider",
    "care_kind",
    "hours_per_week",
    "decision_number",
    "decision_start",
    "decision_end",
    "coordinator",
    "evaluation_date",
    "ends_on",
    "replaced_indications",
)


def _log(by: Professional | None, arrangement: Arrangement, detail: str) -> None:
    log_access(
        by=by,
        event=Event.WRITE,
        purpose=PURPOSE,
        family_id=arrangement.child.family_id,
        child_id=arrangement.child_id,
        detail=f"arrangement {arrangement.pk}: {detail}",
        username="" if by is not None else "special education task",
    )


def _kept(by: Professional, arrangement_id: int) -> Arrangement:
    """The arrangement locked, if `by` keeps it; NotFound for anyone who may not open it,
    a clear refusal for one who only reads it."""
    visible = selectors.arrangement_for(by, arrangement_id)
    if not selectors.keeps(by, visible):
        raise CaseError(_("Only the school's IB or director, or the coordinator, can do this."))
    return (
        Arrangement.objects.select_for_update(of=("self",))
        .select_related("child", "school", "provider", "coordinator")
        .get(pk=arrangement_id)
    )


def _check(arrangement: Arrangement, today: datetime.date) -> None:
    """The parts must fit together; each message names the field it is about."""
    hours = arrangement.hours_per_week
    if hours is not None and not Decimal("0") < hours <= MAX_HOURS:
        raise CaseError(
            _("Give the hours per week as a number from 0.5 to 40."), field="hours_per_week"
        )
    start, end = arrangement.decision_start, arrangement.decision_end
    if start and end and end <= start:
        raise CaseError(_("The decision must end after it starts."), field="decision_end")
    if (
        arrangement.provider_id is not None
        and not selectors.providers_at(arrangement.school_id)
        .filter(pk=arrangement.provider_id)
        .exists()
    ):
        raise CaseError(
            _("Choose a youth-care provider that works at this school."), field="provider"
        )
    if (
        arrangement.coordinator_id is not None
        and not selectors.coordinator_candidates(arrangement.school_id)
        .filter(pk=arrangement.coordinator_id)
        .exists()
    ):
        raise CaseError(
            _("Choose a coordinator from the school or the youth-care provider."),
            field="coordinator",
        )
    if arrangement.replaced_indications > 20:
        raise CaseError(_("Give a number from 0 to 20."), field="replaced_indications")


def arrangement_create(
    *, by: Professional, child: Child, source_case_id: int | None = None, **fields: Any
) -> Arrangement:
    """The school's IB or director starts a draft arrangement for a pupil of their school."""
    schools = selectors.schools_kept(by)
    if child.location_id is None or not schools.filter(pk=child.location_id).exists():
        raise NotFound
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    with transaction.atomic():
        if Arrangement.objects.filter(
            child=child, state__in=[s for s in Arrangement.State.values if s != "ended"]
        ).exists():
            raise CaseError(_("This pupil already has an integrated arrangement."), field="child")
        arrangement = Arrangement(
            child=child,
            school_id=child.location_id,
            created_by=by,
            source_case_id=source_case_id,
            **fields,
        )
        _check(arrangement, timezone.localdate())
        arrangement.save()
        _log(by, arrangement, "created")
    return arrangement


def arrangement_update(*, by: Professional, arrangement_id: int, **fields: Any) -> Arrangement:
    """The keeper edits the education part, the youth-care part and the package. A new
    provider needs the family's consent again before the arrangement is active."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    with transaction.atomic():
        arrangement = _kept(by, arrangement_id)
        if arrangement.state == Arrangement.State.ENDED:
            raise CaseError(_("This arrangement has ended."))
        for name, value in fields.items():
            setattr(arrangement, name, value)
        _check(arrangement, timezone.localdate())
        arrangement.save()
        _log(by, arrangement, "edited")
    return arrangement


def arrangement_consent(
    *,
    by: Professional,
    arrangement_id: int,
    given: bool,
    method: str,
    guardian: Guardian | None = None,
    by_child: bool = False,
) -> Arrangement:
    """Record the family's answer on the joint team with the provider. A withdrawal while the
    arrangement runs takes the provider's workers out of it at once (the selectors read only
    consent in force)."""
    from kansrijk.consent.services import consent_record_for_joint_team

    with transaction.atomic():
        arrangement = _kept(by, arrangement_id)
        if arrangement.provider is None:
            raise CaseError(_("Choose the youth-care provider first."), field="given")
        consent_record_for_joint_team(
            by=by,
            child=arrangement.child,
            provider=arrangement.provider,
            given=given,
            method=method,
            guardian=guardian,
            by_child=by_child,
        )
        _log(by, arrangement, "consent " + ("given" if given else "not given"))
    return arrangement


def arrangement_activate(*, by: Professional, arrangement_id: int) -> Arrangement:
    """A draft becomes the package the family gets once every part is there."""
    with transaction.atomic():
        arrangement = _kept(by, arrangement_id)
        if arrangement.state != Arrangement.State.DRAFT:
            raise CaseError(_("Only a draft arrangement can be started."))
        missing = [
            str(Arrangement._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
            for name in (
                "opp_goals",
                "provider",
                "care_kind",
                "hours_per_week",
                "decision_number",
                "decision_start",
                "decision_end",
                "coordinator",
                "evaluation_date",
            )
            if getattr(arrangement, name) in (None, "")
        ]
        if missing:
            raise CaseError(_("Fill in first: %(fields)s.") % {"fields": ", ".join(missing)})
        if not selectors.consent_in_force(arrangement):
            raise CaseError(_("Record the parents' consent for the joint team first."))
        arrangement.state = Arrangement.State.ACTIVE
        arrangement.save(update_fields=["state"])
        _log(by, arrangement, "started")
        _tell(by, arrangement, _("An integrated arrangement started; you coordinate it"))
    return arrangement


def _tell(by: Professional | None, arrangement: Arrangement, subject: str) -> None:
    if arrangement.coordinator is not None and arrangement.coordinator != by:
        notify(
            to=arrangement.coordinator,
            subject=subject,
            url=reverse("special_education:arrangement_detail", args=[arrangement.pk]),
        )


def entry_add(*, by: Professional, arrangement_id: int, text: str) -> PlanEntry:
    """An entry in the one plan, on the writer's side (education, youth care, coordinator)."""
    text = text.strip()
    if not text:
        raise CaseError(_("Write the entry."), field="text")
    with transaction.atomic():
        arrangement = selectors.arrangement_for(by, arrangement_id)
        side = selectors.side_of(by, arrangement)
        if side is None:
            raise CaseError(_("You read this arrangement but do not write in its plan."))
        if arrangement.state == Arrangement.State.ENDED:
            raise CaseError(_("This arrangement has ended."))
        entry = PlanEntry.objects.create(arrangement=arrangement, side=side, text=text, author=by)
        _log(by, arrangement, f"plan entry {entry.pk}")
    return entry


def arrangement_renew(
    *,
    by: Professional,
    arrangement_id: int,
    decision_number: str,
    decision_start: datetime.date,
    decision_end: datetime.date,
    evaluation_date: datetime.date,
    ends_on: datetime.date | None = None,
) -> Arrangement:
    """Renewal: the municipality's new decision, the next evaluation date and (if the
    arrangement has one) its new end. The warning for the old end is done with."""
    decision_number = decision_number.strip()
    if not decision_number:
        raise CaseError(_("Give the number of the new decision."), field="decision_number")
    with transaction.atomic():
        arrangement = _kept(by, arrangement_id)
        if not arrangement.in_force:
            raise CaseError(_("Only an arrangement in force can be renewed."))
        if arrangement.decision_end and decision_end <= arrangement.decision_end:
            raise CaseError(
                _("The new decision must run beyond the current one (until %(day)s).")
                % {"day": date_format(arrangement.decision_end, "j F Y")},
                field="decision_end",
            )
        if evaluation_date < timezone.localdate():
            raise CaseError(_("Choose an evaluation date in the future."), field="evaluation_date")
        arrangement.decision_number = decision_number
        arrangement.decision_start = decision_start
        arrangement.decision_end = decision_end
        arrangement.evaluation_date = evaluation_date
        if ends_on is not None:
            arrangement.ends_on = ends_on
        _check(arrangement, timezone.localdate())
        arrangement.state = Arrangement.State.RENEWED
        arrangement.renewed_at = timezone.now()
        arrangement.save()
        _log(by, arrangement, "renewed")
        _tell(by, arrangement, _("The integrated arrangement you coordinate is renewed"))
    return arrangement


def arrangement_end(
    *, by: Professional, arrangement_id: int, reason: str, on: datetime.date | None = None
) -> Arrangement:
    if reason not in Arrangement.EndReason.values:
        raise CaseError(_("Choose why the arrangement ends."), field="reason")
    with transaction.atomic():
        arrangement = _kept(by, arrangement_id)
        if arrangement.state == Arrangement.State.ENDED:
            raise CaseError(_("This arrangement has ended."))
        arrangement.state = Arrangement.State.ENDED
        arrangement.end_reason = reason
        arrangement.ended_on = on or timezone.localdate()
        arrangement.save()
        _log(by, arrangement, f"ended ({reason})")
    return arrangement


def renewals_warn(*, today: datetime.date | None = None) -> int:
    """The daily task: three months before the decision or the arrangement ends, the
    coordinator and the school's IB and director are told, and the renewal goes on the
    school's next support-team agenda (a topic without the pupil's name). Once per end date."""
    from kansrijk.meetings.models import AgendaItem
    from kansrijk.meetings.services import topic_put_on_support_team

    today = today or timezone.localdate()
    warned = 0
    with translation.override(settings.LANGUAGE_CODE):
        for candidate in selectors.renewal_due(today):
            with transaction.atomic():
                arrangement = (
                    Arrangement.objects.select_for_update(of=("self",))
                    .select_related("child", "school", "coordinator")
                    .get(pk=candidate.pk)
                )
                end = arrangement.due_on
                if end is None or arrangement.warned_for == end or not arrangement.in_force:
                    continue
                arrangement.state = Arrangement.State.UP_FOR_RENEWAL
                arrangement.warned_for = end
                arrangement.save(update_fields=["state", "warned_for"])
                _log(None, arrangement, f"up for renewal (ends {end.isoformat()})")
                day = date_format(end, "j F Y")
                subject = _("Integrated arrangement %(number)s ends on %(day)s: renew it") % {
                    "number": arrangement.pk,
                    "day": day,
                }
                told = list(selectors.school_keepers(arrangement.school_id))
                if arrangement.coordinator is not None:
                    told.append(arrangement.coordinator)
                notify(
                    to=told,
                    subject=subject,
                    url=reverse("special_education:arrangement_detail", args=[arrangement.pk]),
                )
                topic_put_on_support_team(
                    by=None,
                    location_id=arrangement.school_id,
                    topic=_("Renewal of integrated arrangement %(number)s (ends on %(day)s)")
                    % {"number": arrangement.pk, "day": day},
                    reason=AgendaItem.Reason.RENEWAL_DUE,
                )
            warned += 1
    return warned


def case_handover(
    *,
    by: Professional,
    case_id: int,
    child: Child,
    school: Location,
    given: bool,
    method: str,
    guardian: Guardian | None = None,
    by_child: bool = False,
) -> Arrangement | None:
    """The zorgroute closed with "referred to special education": with the parents' consent
    (purpose `warm_handover`, to the receiving school's organisation) the case is handed over
    and a draft arrangement waits at the receiving school; without it nothing is handed over.
    The consent is recorded first."""
    from kansrijk.access.matrix import Action
    from kansrijk.access.policies import can
    from kansrijk.cases.models import Case
    from kansrijk.cases.states import CaseState, Outcome
    from kansrijk.consent.services import consent_record_for_handover

    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or not can(by, Action.EDIT, case):
            raise NotFound
        if case.state != CaseState.CLOSED or case.outcome != Outcome.SPECIAL_EDUCATION:
            raise CaseError(
                _("Only a case closed with a referral to special education is handed over.")
            )
        if not case.signals.filter(child=child).exists():
            raise CaseError(_("Choose a child of this case."), field="child")
        if school.kind != Location.Kind.SPECIAL_SCHOOL:
            raise CaseError(_("Choose the receiving special school."), field="school")
        consent_record_for_handover(
            by=by,
            child=child,
            recipient=school.organisation,
            given=given,
            method=method,
            guardian=guardian,
            by_child=by_child,
        )
        log_access(
            by=by,
            event=Event.WRITE,
            purpose=PURPOSE,
            case_id=case.pk,
            family_id=case.family_id,
            child_id=child.pk,
            detail=f"handover to special school {school.pk}: consent "
            + ("given" if given else "refused"),
        )
        if not given:
            return None
        if Arrangement.objects.filter(child=child, source_case=case).exists():
            raise CaseError(_("This case is handed over already."))
        arrangement = Arrangement.objects.create(
            child=child, school=school, source_case=case, created_by=by
        )
        _log(by, arrangement, f"draft from case {case.pk}")
        notify(
            to=list(selectors.school_keepers(school.pk)),
            subject=_("A pupil is referred to your school: a draft integrated arrangement"),
            url=reverse("special_education:arrangement_detail", args=[arrangement.pk]),
        )
    return arrangement
