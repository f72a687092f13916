"""The only code that writes for the family portal. Every function takes the family member
(`visitor=`) or, for the professionals' side, the acting professional (`by=`), and leaves
one access-log entry with the guardian as actor (house rules 1 and 3)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kansrijk.access.matrix import Action
from kansrijk.access.policies import can
from kansrijk.audit.models import AccessLogEntry, Event
from kansrijk.audit.services import log_access
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.models import Case, Child, PlanVersion
from kansrijk.core.models import Membership
from kansrijk.notifications.family import notify_family
from kansrijk.notifications.services import notify
from kansrijk.portal.models import (
    FamilySection,
    FirstDoor,
    InzageRequest,
    Message,
    PlanResponse,
    Question,
)
from kansrijk.portal.selectors import family_case
from kansrijk.portal.visitors import Visitor

if TYPE_CHECKING:
    from kansrijk.core.models import Professional

PURPOSE = "family portal"
#: Longest text a family member can send in one go.
MAX_TEXT = 4000


def log_visit(
    visitor: Visitor,
    *,
    detail: str,
    event: Any = Event.READ,
    case_id: int | None = None,
    child_id: int | None = None,
) -> AccessLogEntry:
    """One access-log entry for a portal read or write, with the family member as actor."""
    young = visitor.young_person
    return log_access(
        by=None,
        guardian=visitor.guardian,
        username="" if visitor.guardian else f"young person:{young.pk if young else ''}",
        event=event,
        purpose=PURPOSE,
        case_id=case_id,
        family_id=visitor.family_id,
        child_id=child_id if child_id is not None else (young.pk if young else None),
        detail=detail,
    )


def _text(value: str, field: str, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise CaseError(_("Please write something first."), field=field)
    if len(text) > MAX_TEXT:
        raise CaseError(
            _("This is too long: at most %(count)s characters.") % {"count": MAX_TEXT},
            field=field,
        )
    return text


def _tell_contact_person(case: Case, subject: str) -> None:
    """An in-app notice and mail to the contact person, without what the family wrote."""
    notify(
        to=case.contact_person,
        subject=subject % {"number": case.pk},
        url=reverse("cases:case_family", kwargs={"case_id": case.pk}),
    )


def _own_case(visitor: Visitor) -> Case:
    case = family_case(visitor)
    if case is None:
        raise NotFound
    return case


def _deciding_guardian(visitor: Visitor) -> None:
    if not visitor.has_authority:
        raise NotFound


def family_section_save(
    *, visitor: Visitor, plan_id: int, going_well: str, we_do_ourselves: str, network_helps: str
) -> FamilySection:
    """The family's part of the current plan version: what goes well, what we do ourselves,
    who in our network helps."""
    _deciding_guardian(visitor)
    values = {
        "going_well": _text(going_well, "going_well", required=False),
        "we_do_ourselves": _text(we_do_ourselves, "we_do_ourselves", required=False),
        "network_helps": _text(network_helps, "network_helps", required=False),
    }
    with transaction.atomic():
        case = _own_case(visitor)
        plan = PlanVersion.objects.filter(case=case).order_by("-number").first()
        if plan is None or plan.pk != plan_id:
            raise CaseError(_("There is a newer version of the plan. Look at it first."))
        section, _created = FamilySection.objects.update_or_create(
            plan=plan,
            defaults={**values, "updated_at": timezone.now(), "updated_by": visitor.guardian},
        )
        log_visit(
            visitor, event=Event.WRITE, case_id=case.pk, detail=f"family section v{plan.number}"
        )
        _tell_contact_person(
            case, _("The family wrote in their part of the plan (case %(number)s)")
        )
    return section


def plan_respond(*, visitor: Visitor, plan_id: int, kind: str, text: str = "") -> PlanResponse:
    """Agree with the current plan version, or add a remark to it."""
    _deciding_guardian(visitor)
    if kind not in PlanResponse.Kind.values:
        raise CaseError(_("Choose what you want to do."), field="kind")
    text = _text(text, "text", required=kind == PlanResponse.Kind.REMARK)
    with transaction.atomic():
        case = _own_case(visitor)
        plan = PlanVersion.objects.filter(case=case).order_by("-number").first()
        if plan is None or plan.pk != plan_id:
            raise CaseError(_("There is a newer version of the plan. Look at it first."))
        assert visitor.guardian is not None
        response = PlanResponse.objects.create(
            plan=plan, guardian=visitor.guardian, kind=kind, text=text
        )
        log_visit(visitor, event=Event.WRITE, case_id=case.pk, detail=f"plan v{plan.number} {kind}")
        _tell_contact_person(case, _("The family answered the plan (case %(number)s)"))
    return response


def message_send(*, visitor: Visitor, text: str, kind: str = Message.Kind.MESSAGE) -> Message:
    """A message from the family (or a young person, in their own thread) to the contact
    person, who gets a notice without its content."""
    text = _text(text, "text")
    if kind == Message.Kind.CORRECTION:
        _deciding_guardian(visitor)
    with transaction.atomic():
        case = _own_case(visitor)
        message = Message.objects.create(
            case=case,
            kind=kind,
            text=text,
            guardian=visitor.guardian,
            young_person=visitor.young_person,
        )
        log_visit(visitor, event=Event.WRITE, case_id=case.pk, detail=f"message {message.pk}")
        subject = (
            _("A request to correct the file (case %(number)s)")
            if kind == Message.Kind.CORRECTION
            else _("A new message from the family (case %(number)s)")
        )
        _tell_contact_person(case, subject)
    return message


def message_reply(
    *, by: Professional, case_id: int, text: str, young_person_id: int | None = None
) -> Message:
    """The contact person (or anyone who works on the case) answers in the family's thread,
    or in a young person's own thread; the family is mailed that there is a message."""
    text = _text(text, "text")
    with transaction.atomic():
        case = Case.objects.filter(pk=case_id).first()
        if case is None or not can(by, Action.EDIT, case):
            raise NotFound
        young = None
        if young_person_id is not None:
            young = Child.objects.filter(pk=young_person_id, family=case.family_id).first()
            if young is None:
                raise NotFound
        message = Message.objects.create(case=case, text=text, professional=by, young_person=young)
        log_access(
            by=by,
            event=Event.WRITE,
            purpose="message to the family",
            case_id=case.pk,
            family_id=case.family_id,
            child_id=young.pk if young else None,
            detail=f"message {message.pk}",
        )
        if young is None:
            notify_family(
                family_id=case.family_id, subject=_("A new message from your contact person")
            )
    return message


def inzage_request(*, visitor: Visitor) -> InzageRequest:
    """Ask what is recorded about the family (AVG art. 15): the JSON at once in the portal,
    the PDF made in the background within minutes, well within the legal month."""
    from kansrijk.privacy.files import pdf_request_for_family

    _deciding_guardian(visitor)
    assert visitor.guardian is not None
    with transaction.atomic():
        request = InzageRequest.objects.create(
            family_id=visitor.family_id, guardian=visitor.guardian, delivered_at=timezone.now()
        )
        pdf_request_for_family(guardian=visitor.guardian)
        log_visit(visitor, event=Event.WRITE, detail=f"inzage request {request.pk}")
    return request


def inzage_files(visitor: Visitor) -> list[Any]:
    """The PDF files this guardian asked for, newest first (none for a young person)."""
    from kansrijk.privacy.files import files_of

    if not visitor.has_authority or visitor.guardian is None:
        return []
    return files_of(guardian=visitor.guardian, family_id=visitor.family_id)


def inzage_download(*, visitor: Visitor, form: str) -> Any:
    """The family's file: as JSON built now, as PDF the newest one made; logged."""
    from kansrijk.privacy.files import download
    from kansrijk.privacy.inzage import inzage_for_family

    _deciding_guardian(visitor)
    assert visitor.guardian is not None
    with transaction.atomic():
        request = InzageRequest.objects.filter(family=visitor.family_id).first()
        if request is None:
            raise NotFound
        if form == "pdf":
            made: Any = download(file_id=None, guardian=visitor.guardian)
        else:
            made = inzage_for_family(guardian=visitor.guardian, form=form)
        InzageRequest.objects.filter(pk=request.pk).update(downloads=request.downloads + 1)
        return made


def experience_send(*, visitor: Visitor, scores: dict[str, Any], comment: str = "") -> Any:
    """The family's own answers to the experience questions, for the monitor."""
    from kansrijk.monitor.services import experience_record_by_family

    _deciding_guardian(visitor)
    assert visitor.guardian is not None
    case = _own_case(visitor)
    return experience_record_by_family(
        guardian=visitor.guardian, case_id=case.pk, scores=scores, comment=comment
    )


def question_ask(
    *, door: FirstDoor, name: str, phone: str, email: str, text: str, may_contact: bool
) -> Question:
    """A question at the first door (no login): the CJG/district team is told, and calls or
    mails back only because the parent said they may."""
    errors = []
    if not (name or "").strip():
        errors.append(CaseError(_("Write your name."), field="name"))
    if not (text or "").strip():
        errors.append(CaseError(_("Write your question."), field="text"))
    if not may_contact:
        errors.append(
            CaseError(
                _("We can only answer if we may contact you: tick the box."), field="may_contact"
            )
        )
    if not (phone or "").strip() and not (email or "").strip():
        errors.append(CaseError(_("Give a phone number or an e-mail address."), field="phone"))
    if errors:
        raise errors[0]
    with transaction.atomic():
        question = Question.objects.create(
            door=door,
            name=name.strip()[:200],
            phone=(phone or "").strip()[:30],
            email=(email or "").strip(),
            text=_text(text, "text"),
            may_contact=True,
        )
        log_access(
            by=None,
            username="first door",
            event=Event.WRITE,
            purpose="first-door question",
            detail=f"question {question.pk} for {door.district}",
        )
        staff = {
            m.professional
            for m in Membership.objects.filter(organisation=door.organisation_id).select_related(
                "professional"
            )
        }
        notify(
            to=sorted(staff, key=lambda p: p.pk),
            subject=_("A parent asked a question at the first door (%(district)s)")
            % {"district": door.district},
            url=reverse("portal:questions"),
        )
    return question
