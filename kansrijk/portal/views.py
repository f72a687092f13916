"""Pages of the family portal (DigiD), the first door (public) and the professionals' answer
to the family's thread. Portal pages answer 404 to anyone but a signed-in family member."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.models import Child
from kansrijk.consent.models import Consent
from kansrijk.consent.services import consent_answer_in_portal
from kansrijk.core.made_files import MadeFileStatus
from kansrijk.core.models import Membership, Organisation, Professional
from kansrijk.monitor.forms import ExperienceForm
from kansrijk.monitor.services import experience_moment_due
from kansrijk.portal import selectors, services, visitors
from kansrijk.portal.forms import (
    CorrectionForm,
    FamilySectionForm,
    MessageForm,
    PlanResponseForm,
    QuestionForm,
    ReplyForm,
)
from kansrijk.portal.models import FirstDoor, InzageRequest, Message, Question
from kansrijk.portal.oidc import PortalCallbackView
from kansrijk.portal.visitors import Visitor, visitor_of
from kansrijk.roster import selectors as roster
from kansrijk.roster.models import PART_HOURS, Function

#: How many messages of a thread a page shows (the newest).
THREAD_PAGE = 50


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    visitor = getattr(request, "visitor", None)
    return render(request, template, {"visitor": visitor, **context}, status=status)


# --- signing in ------------------------------------------------------------------------------


@login_not_required
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """The portal's front door: what it is for and the DigiD button."""
    if getattr(request, "visitor", None) is not None:
        return redirect("portal:home")
    return _render(request, "portal/start.html", {"doors": FirstDoor.objects.all()})


login = login_not_required(OIDCAuthenticationRequestView.as_view())
callback = login_not_required(PortalCallbackView.as_view())


@login_not_required
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    visitor = getattr(request, "visitor", None)
    if visitor is not None:
        services.log_visit(visitor, event=Event.LOGOUT, detail="signed out")
    visitors.sign_out(request)
    return redirect("portal:start")


# --- the family's pages ----------------------------------------------------------------------


@login_not_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    visitor = visitor_of(request)
    case = selectors.family_case(visitor)
    services.log_visit(visitor, case_id=case.pk if case else None, detail="overview")
    questions = selectors.open_questions(visitor) if _decides(visitor) else []
    return _render(
        request,
        "portal/home.html",
        {
            "case": case,
            "questions": questions,
            "experience_due": _experience_due(visitor, case),
        },
    )


def _decides(visitor: Visitor) -> bool:
    """Parents with parental authority and young people 12+ answer consent questions."""
    return visitor.has_authority or visitor.young_person is not None


def _experience_due(visitor: Visitor, case: Any) -> str | None:
    """After an evaluation and at closing the parents get the experience questions."""
    if not visitor.has_authority or case is None:
        return None
    return experience_moment_due(case)


def _plan_page(
    request: HttpRequest,
    visitor: Visitor,
    *,
    section_form: FamilySectionForm | None = None,
    response_form: PlanResponseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    case = selectors.family_case(visitor)
    plan = selectors.current_plan(case) if case else None
    section = selectors.section_text(plan) if plan else None
    services.log_visit(
        visitor,
        case_id=case.pk if case else None,
        detail=f"plan v{plan.number}" if plan else "plan",
    )
    if section_form is None:
        section_form = FamilySectionForm(
            initial={
                "going_well": section.going_well if section else "",
                "we_do_ourselves": section.we_do_ourselves if section else "",
                "network_helps": section.network_helps if section else "",
            }
        )
    return _render(
        request,
        "portal/plan.html",
        {
            "case": case,
            "plan": plan,
            "section": section,
            "section_form": section_form,
            "response_form": response_form or PlanResponseForm(initial={"kind": "remark"}),
            "responses": list(plan.responses.all()) if plan else [],
        },
        status=status,
    )


@login_not_required
@require_GET
def plan(request: HttpRequest) -> HttpResponse:
    return _plan_page(request, visitor_of(request))


@login_not_required
@require_POST
def plan_section(request: HttpRequest, plan_id: int) -> HttpResponse:
    visitor = visitor_of(request)
    form = FamilySectionForm(request.POST)
    if form.is_valid():
        try:
            services.family_section_save(visitor=visitor, plan_id=plan_id, **form.cleaned_data)
        except NotFound as error:
            raise Http404 from error
        except CaseError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Saved. Your contact person can read it now."))
            return redirect("portal:plan")
    return _plan_page(request, visitor, section_form=form, status=400)


@login_not_required
@require_POST
def plan_respond(request: HttpRequest, plan_id: int) -> HttpResponse:
    visitor = visitor_of(request)
    form = PlanResponseForm(request.POST)
    if form.is_valid():
        try:
            services.plan_respond(visitor=visitor, plan_id=plan_id, **form.cleaned_data)
        except NotFound as error:
            raise Http404 from error
        except CaseError as error:
            form.add_error("text" if error.field == "text" else None, error.message)
        else:
            messages.success(request, _("Thank you. Your contact person can read your answer."))
            return redirect("portal:plan")
    return _plan_page(request, visitor, response_form=form, status=400)


@login_not_required
@require_GET
def contact(request: HttpRequest) -> HttpResponse:
    visitor = visitor_of(request)
    case = selectors.family_case(visitor)
    services.log_visit(visitor, case_id=case.pk if case else None, detail="contact person")
    person = selectors.contact_person(case) if case else None
    return _render(request, "portal/contact.html", {"case": case, "person": person})


@login_not_required
@require_GET
def consents(request: HttpRequest) -> HttpResponse:
    visitor = visitor_of(request)
    if not _decides(visitor):
        raise Http404
    services.log_visit(visitor, detail="consents")
    rows = selectors.consent_rows(visitor)
    return _render(
        request,
        "portal/consents.html",
        {"rows": rows, "questions": [r for r in rows if r.question and r.can_answer]},
    )


@login_not_required
@require_POST
def consent_answer(request: HttpRequest) -> HttpResponse:
    visitor = visitor_of(request)
    if not _decides(visitor):
        raise Http404
    try:
        child = Child.objects.get(pk=int(request.POST.get("child", "")), family=visitor.family_id)
        recipient_id = request.POST.get("recipient") or None
        recipient = Organisation.objects.get(pk=int(recipient_id)) if recipient_id else None
    except (ValueError, Child.DoesNotExist, Organisation.DoesNotExist) as error:
        raise Http404 from error
    answer = request.POST.get("answer", "")
    try:
        consent = consent_answer_in_portal(
            guardian=visitor.guardian,
            young_person=visitor.young_person,
            child=child,
            purpose=request.POST.get("purpose", ""),
            recipient=recipient,
            answer=answer,
        )
    except NotFound as error:
        raise Http404 from error
    except CaseError as error:
        messages.error(request, error.message)
    else:
        if consent is None:
            messages.success(
                request,
                _("Thank you. We wait for the answer of %(name)s too.") % {"name": child.given_name}
                if visitor.guardian
                else _("Thank you. We wait for the answer of your parent too."),
            )
        elif consent.status == Consent.Status.WITHDRAWN:
            messages.success(request, _("Your consent is withdrawn. It counts from now on."))
        else:
            messages.success(request, _("Thank you for your answer."))
    return redirect("portal:consents")


def _thread_page(
    request: HttpRequest, visitor: Visitor, form: MessageForm | None = None, status: int = 200
) -> HttpResponse:
    case = selectors.family_case(visitor)
    services.log_visit(visitor, case_id=case.pk if case else None, detail="messages")
    thread = (
        list(selectors.thread(case, visitor).order_by("-sent_at", "-id")[:THREAD_PAGE])[::-1]
        if case
        else []
    )
    return _render(
        request,
        "portal/messages.html",
        {"case": case, "thread": thread, "form": form or MessageForm()},
        status=status,
    )


@login_not_required
@require_GET
def messages_page(request: HttpRequest) -> HttpResponse:
    return _thread_page(request, visitor_of(request))


@login_not_required
@require_POST
def message_send(request: HttpRequest) -> HttpResponse:
    visitor = visitor_of(request)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.message_send(visitor=visitor, text=form.cleaned_data["text"])
        except NotFound as error:
            raise Http404 from error
        except CaseError as error:
            form.add_error("text", error.message)
        else:
            messages.success(request, _("Your message has been sent."))
            return redirect("portal:messages")
    return _thread_page(request, visitor, form, status=400)


def _inzage_page(
    request: HttpRequest, visitor: Visitor, form: CorrectionForm | None = None, status: int = 200
) -> HttpResponse:
    services.log_visit(visitor, detail="inzage page")
    requests = list(InzageRequest.objects.filter(family=visitor.family_id)[:5])
    files = services.inzage_files(visitor)
    return _render(
        request,
        "portal/inzage.html",
        {
            "requests": requests,
            "files": files,
            "pdf_ready": any(f.status == MadeFileStatus.READY for f in files),
            "pdf_making": any(f.status == MadeFileStatus.QUEUED for f in files),
            "form": form or CorrectionForm(),
            "registrations": selectors.match_registrations(visitor),
        },
        status=status,
    )


@login_not_required
@require_GET
def inzage(request: HttpRequest) -> HttpResponse:
    visitor = visitor_of(request)
    if not visitor.has_authority:
        raise Http404
    return _inzage_page(request, visitor)


@login_not_required
@require_POST
def inzage_request(request: HttpRequest) -> HttpResponse:
    visitor = visitor_of(request)
    try:
        services.inzage_request(visitor=visitor)
    except NotFound as error:
        raise Http404 from error
    messages.success(
        request,
        _("Your file is ready as JSON. The PDF is being made; it appears here in a minute."),
    )
    return redirect("portal:inzage")


@login_not_required
@require_GET
def inzage_download(request: HttpRequest) -> HttpResponseBase:
    from kansrijk.privacy.downloads import json_response, pdf_response

    visitor = visitor_of(request)
    form = request.GET.get("form", "json")
    if form not in {"json", "pdf"}:
        raise Http404
    try:
        export = services.inzage_download(visitor=visitor, form=form)
    except NotFound as error:
        raise Http404 from error
    if form == "pdf":
        return pdf_response(export, f"kansrijk-inzage-{export.requested_at:%Y%m%d}")
    return json_response(export, f"kansrijk-inzage-{export.generated_at:%Y%m%d}")


@login_not_required
@require_POST
def correction_send(request: HttpRequest) -> HttpResponse:
    visitor = visitor_of(request)
    if not visitor.has_authority:
        raise Http404
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            services.message_send(
                visitor=visitor, text=form.cleaned_data["text"], kind=Message.Kind.CORRECTION
            )
        except NotFound as error:
            raise Http404 from error
        except CaseError as error:
            form.add_error("text", error.message)
        else:
            messages.success(request, _("Your request went to your contact person."))
            return redirect("portal:inzage")
    return _inzage_page(request, visitor, form, status=400)


def _experience_page(
    request: HttpRequest, visitor: Visitor, form: ExperienceForm | None = None, status: int = 200
) -> HttpResponse:
    case = selectors.family_case(visitor)
    if not _experience_due(visitor, case):
        raise Http404
    services.log_visit(visitor, case_id=case.pk if case else None, detail="experience questions")
    return _render(
        request,
        "portal/experience.html",
        {"form": form or ExperienceForm(), "moment": _experience_due(visitor, case)},
        status=status,
    )


@login_not_required
@require_GET
def experience(request: HttpRequest) -> HttpResponse:
    return _experience_page(request, visitor_of(request))


@login_not_required
@require_POST
def experience_send(request: HttpRequest) -> HttpResponse:
    visitor = visitor_of(request)
    form = ExperienceForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        comment = data.pop("comment", "")
        try:
            services.experience_send(visitor=visitor, scores=data, comment=comment)
        except NotFound as error:
            raise Http404 from error
        except CaseError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you for telling us how it went."))
            return redirect("portal:home")
    return _experience_page(request, visitor, form, status=400)


# --- the first door (public) -----------------------------------------------------------------


def _door_page(
    request: HttpRequest, door: FirstDoor, form: QuestionForm | None = None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    locations = roster.rostered_locations().filter(district=door.district)
    named = roster.public_names()
    hours = []
    for location in locations:
        for shift in roster.shifts_at(location, *today.isocalendar()[:2]):
            if shift.date < today:
                continue
            start, end = PART_HOURS[shift.part]
            hours.append(
                {
                    "location": location.name,
                    "date": shift.date,
                    "start": start,
                    "end": end,
                    "role": Function(shift.role).label if shift.role in Function.values else "",
                    "name": str(shift.person) if shift.person_id in named else "",
                }
            )
    hours.sort(key=lambda h: (h["date"], h["start"], h["location"]))
    return render(
        request,
        "portal/first_door.html",
        {"door": door, "hours": hours, "form": form or QuestionForm(), "visitor": None},
        status=status,
    )


@login_not_required
@require_GET
def first_door(request: HttpRequest, district: str) -> HttpResponse:
    """Where to go with a question about raising or growing up, in this district."""
    return _door_page(request, get_object_or_404(FirstDoor, slug=district))


@login_not_required
@require_POST
def first_door_question(request: HttpRequest, district: str) -> HttpResponse:
    door = get_object_or_404(FirstDoor, slug=district)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.question_ask(door=door, **form.cleaned_data)
        except CaseError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Thank you. We will contact you within two working days."))
            return redirect("portal:first_door", district=door.slug)
    return _door_page(request, door, form, status=400)


# --- the professionals' side -----------------------------------------------------------------


@require_POST
def case_reply(request: HttpRequest, case_id: int) -> HttpResponse:
    """The contact person answers in the family's thread, from the case page."""
    user: Professional = request.user  # type: ignore[assignment]
    form = ReplyForm(request.POST)
    if form.is_valid():
        young = request.POST.get("young_person") or None
        try:
            services.message_reply(
                by=user,
                case_id=case_id,
                text=form.cleaned_data["text"],
                young_person_id=int(young) if young else None,
            )
        except NotFound as error:
            raise Http404 from error
        except (CaseError, ValueError) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your answer has been sent to the family."))
    else:
        from kansrijk.access.matrix import Action
        from kansrijk.access.policies import can
        from kansrijk.cases.models import Case

        case = Case.objects.filter(pk=case_id).first()
        if case is None or not can(user, Action.EDIT, case):
            raise Http404
        messages.error(request, _("Write your answer first."))
    return redirect("cases:case_family", case_id=case_id)


@require_GET
def questions(request: HttpRequest) -> HttpResponse:
    """First-door questions for the organisations the professional works for (the CJG)."""
    user: Professional = request.user  # type: ignore[assignment]
    organisations = Membership.objects.filter(professional=user).values("organisation")
    found = list(
        Question.objects.filter(door__organisation__in=organisations).select_related("door")[:100]
    )
    if found:
        log_access(
            by=user,
            event=Event.LIST,
            purpose="first-door questions",
            detail=f"{len(found)} questions",
        )
    return render(request, "portal/questions.html", {"questions": found})
