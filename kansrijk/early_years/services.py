"""What the 0–6 line writes besides the case route itself (house rule 1): a childcare signal
reaching the people who can act (called inside `cases.services.signal_create`'s
transaction), and the warm handover from childcare or school to the next school."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kansrijk.access.roles import Role
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.models import Case, CaseMember, Child, Signal
from kansrijk.core.models import Location, Professional
from kansrijk.early_years.models import Handover
from kansrijk.early_years.routing import ChildcareRouting
from kansrijk.notifications.services import notify


def _meldcode_ground(case: Case, routing: ChildcareRouting, *, by: Professional) -> None:
    """A safety signal asks no consent: the meldcode is the legal ground on which the
    receivers of other organisations see the case (as kansrijk.safety records for its team)."""
    from kansrijk.consent.models import LegalGround
    from kansrijk.core.models import Membership

    own = case.location.organisation_id
    organisations = set(
        Membership.objects.filter(
            professional__in=[p for p, _r in routing.receivers],
            role__in=[r.value for _p, r in routing.receivers],
        )
        .exclude(organisation=own)
        .values_list("organisation", flat=True)
    )
    grounded = set(
        LegalGround.objects.filter(case=case, organisation__in=organisations).values_list(
            "organisation", flat=True
        )
    )
    for organisation in organisations - grounded:
        LegalGround.objects.create(
            case=case,
            organisation_id=organisation,
            ground=LegalGround.Ground.MELDCODE,
            explanation=_("P1 safety signal from childcare: meldcode"),
            recorded_by=by,
        )


def childcare_signal_filed(
    *, by: Professional, case: Case, signal: Signal, routing: ChildcareRouting
) -> None:
    """The parents agreed that the signal goes to the CJG and the district team (asked on the
    signal form): recorded for the toddler; the receivers join the support team and are told."""
    from kansrijk.cases.workflow import ConsentAnswer
    from kansrijk.consent.models import Purpose
    from kansrijk.consent.services import consent_record_for_case

    if signal.safety_concern:
        _meldcode_ground(case, routing, by=by)
    else:
        consent_record_for_case(
            case=case,
            by=by,
            answer=ConsentAnswer.GIVEN,
            method="verbal",
            purpose=Purpose.SHARE_WITH_DISTRICT_TEAM,
            children=[signal.child],
        )
    told = []
    for person, role in routing.receivers:
        CaseMember.objects.get_or_create(
            case=case,
            professional=person,
            role=role,
            defaults={"reason": _("Childcare signal")},
        )
        if person != by:
            told.append(person)
    if told:
        notify(
            to=told,
            subject=_("A childcare signal about a toddler, case %(number)s") % {"number": case.pk},
            url=reverse("cases:case_detail", args=[case.pk]),
        )


# --- warm handover -------------------------------------------------------------------------


def _log(by: Professional, handover: Handover, detail: str) -> None:
    from kansrijk.audit.models import Event
    from kansrijk.audit.services import log_access

    log_access(
        by=by,
        event=Event.WRITE,
        purpose="warm handover",
        family_id=handover.child.family_id,
        child_id=handover.child_id,
        detail=f"handover {handover.pk}: {detail}",
    )


def _locked(by: Professional, handover_id: int) -> Handover:
    from kansrijk.early_years.selectors import handover_for

    handover_for(by, handover_id)  # 404 for a handover the user may not reach
    return (
        Handover.objects.select_for_update()
        .select_related("child", "to_location")
        .get(pk=handover_id)
    )


def handover_prepare(
    *,
    by: Professional,
    child: Child,
    to_location: Location,
    kind: str,
    goes_well: str = "",
    attention_points: str = "",
    what_works: str = "",
    vve_programme: str = "",
    parents_view: str = "",
) -> Handover:
    """The mentor (or teacher, IB) prepares a handover for a child they may pick
    (access.policies.pupil_pick), some months before the child turns four or moves."""
    from kansrijk.access.policies import handover_sides
    from kansrijk.cases.selectors import pupils_for_signal

    if not handover_sides(by).prepares:
        raise NotFound
    if not pupils_for_signal(by).filter(pk=child.pk).exists() or child.location_id is None:
        raise NotFound
    if kind not in Handover.Kind.values:
        raise CaseError(_("Choose the kind of handover."), field="kind")
    if to_location.kind != Location.Kind.CHILD_CENTRE or to_location.pk == child.location_id:
        raise CaseError(_("Choose the receiving school."), field="to_location")
    texts = [goes_well, attention_points, what_works, parents_view]
    if not any(t.strip() for t in texts):
        raise CaseError(_("Write what goes well and what needs attention."), field="goes_well")
    with transaction.atomic():
        plan = _plan_text(by, child) if kind != Handover.Kind.CHILDCARE_TO_SCHOOL else ""
        handover = Handover.objects.create(
            plan=plan,
            child=child,
            kind=kind,
            from_location_id=child.location_id,
            to_location=to_location,
            prepared_by=by,
            goes_well=goes_well.strip(),
            attention_points=attention_points.strip(),
            what_works=what_works.strip(),
            vve_programme=vve_programme.strip(),
            parents_view=parents_view.strip(),
        )
        _log(by, handover, "prepared")
    return handover


def _plan_text(by: Professional, child: Child) -> str:
    """The current plan of the child's case and its open actions, when the preparer reads the
    whole file (the sending IB): what the receiving school gets with the parents' consent."""
    from kansrijk.access.matrix import Action
    from kansrijk.access.policies import can

    case = (
        Case.objects.filter(signals__child=child).order_by("-opened_at", "-id").distinct().first()
    )
    if case is None or not can(by, Action.FULL, case):
        return ""
    plan = case.plans.prefetch_related("goals", "actions").order_by("-number").first()
    if plan is None:
        return ""
    lines = [plan.summary] if plan.summary else []
    lines += [f"– {goal.text}" for goal in plan.goals.all()]
    lines += [f"□ {action.description}" for action in plan.actions.all() if not action.done]
    return "\n".join(lines)


def handover_consent(
    *, by: Professional, handover_id: int, given: bool, method: str = "verbal"
) -> Handover:
    """The parents' answer, recorded by the sending side. Refused: the content is erased and
    only the fact that a handover was offered stays."""
    from kansrijk.consent.services import consent_record_for_handover
    from kansrijk.early_years.selectors import on_sending_side

    with transaction.atomic():
        handover = _locked(by, handover_id)
        if not on_sending_side(by, handover):
            raise NotFound
        consent_record_for_handover(
            by=by,
            child=handover.child,
            recipient=handover.to_location.organisation,
            given=given,
            method=method,
        )
        handover.consent = Handover.Consent.GIVEN if given else Handover.Consent.REFUSED
        if not given:
            for name in ("goes_well", "attention_points", "what_works", "parents_view", "plan"):
                setattr(handover, name, "")
            handover.vve_programme = ""
        handover.save()
        _log(by, handover, f"consent {handover.consent}")
        if given:
            notify(
                to=_receivers(handover),
                subject=_("A warm handover for your school"),
                url=reverse("early_years:handover_detail", args=[handover.pk]),
            )
    return handover


def _receivers(handover: Handover) -> list[Professional]:
    from kansrijk.core.models import Membership

    return [
        m.professional
        for m in Membership.objects.filter(
            location=handover.to_location_id,
            role=Role.INTERNAL_COACH,
            professional__is_active=True,
        ).select_related("professional")
    ]


def handover_plan_meeting(
    *,
    by: Professional,
    handover_id: int,
    at: datetime.datetime,
    receiving_teacher: Professional | None = None,
) -> Handover:
    """The receiving IB plans the warm conversation with the mentor and the parents."""
    from kansrijk.early_years.selectors import on_receiving_side, receiving_teachers

    with transaction.atomic():
        handover = _locked(by, handover_id)
        if not on_receiving_side(by, handover):
            raise NotFound
        if handover.consent == Handover.Consent.REFUSED:
            raise CaseError(_("The parents did not consent: there is no conversation to plan."))
        if receiving_teacher is not None:
            if not receiving_teachers(handover).filter(pk=receiving_teacher.pk).exists():
                raise CaseError(_("Choose a teacher of your school."), field="receiving_teacher")
            handover.receiving_teacher = receiving_teacher
        handover.meeting_at = at
        handover.save()
        _log(by, handover, "conversation planned")
        told = [handover.prepared_by]
        if handover.receiving_teacher is not None:
            told.append(handover.receiving_teacher)
        notify(
            to=[p for p in told if p != by],
            subject=_("A warm conversation is planned on %(day)s")
            % {"day": date_format(timezone.localtime(at), "j F Y H:i")},
            url=reverse("early_years:handover_detail", args=[handover.pk]),
        )
    return handover


def handover_meeting_result(*, by: Professional, handover_id: int, result: str) -> Handover:
    from kansrijk.early_years.selectors import on_receiving_side, on_sending_side

    if not result.strip():
        raise CaseError(_("Write down the result of the conversation."), field="result")
    with transaction.atomic():
        handover = _locked(by, handover_id)
        if not (on_receiving_side(by, handover) or on_sending_side(by, handover)):
            raise NotFound
        if handover.meeting_at is None:
            raise CaseError(_("Plan the conversation first."))
        handover.meeting_result = result.strip()
        handover.met_at = timezone.now()
        handover.save()
        _log(by, handover, "conversation held")
    return handover


def handover_follow_up(*, by: Professional, handover_id: int, text: str) -> Handover:
    """Six weeks on, the receiving teacher (or IB) tells the mentor how the child is doing."""
    from kansrijk.early_years.selectors import on_receiving_side

    if not text.strip():
        raise CaseError(_("Write a short follow-up for the mentor."), field="text")
    with transaction.atomic():
        handover = _locked(by, handover_id)
        if not on_receiving_side(by, handover):
            raise NotFound
        if handover.met_at is None:
            raise CaseError(_("Record the warm conversation first."))
        handover.follow_up = text.strip()
        handover.followed_up_at = timezone.now()
        handover.save()
        _log(by, handover, "followed up")
        notify(
            to=handover.prepared_by,
            subject=_("Follow-up on your warm handover"),
            url=reverse("early_years:handover_detail", args=[handover.pk]),
        )
    return handover
