"""Pages of the warm handover. `access.gate` applies their rules (access.pages); which
handover a user reaches and whether they read its content is `early_years.selectors`'
answer, from `access.policies.handover_sides`."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansrijk.access.policies import handover_sides
from kansrijk.audit.models import Event
from kansrijk.audit.paging import log_ids
from kansrijk.audit.services import log_access
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.forms import pupil_name_filter
from kansrijk.cases.selectors import pupils_for_signal
from kansrijk.core.models import Professional
from kansrijk.early_years import selectors, services
from kansrijk.early_years.forms import (
    ConsentForm,
    FollowUpForm,
    HandoverForm,
    MeetingForm,
    ResultForm,
)
from kansrijk.early_years.models import Handover

#: A handover's conversation is followed up after six weeks at school.
FOLLOW_UP_AFTER = datetime.timedelta(weeks=6)


def _user(request: HttpRequest) -> Professional:
    return request.user  # type: ignore[return-value]


def handovers(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    page = Paginator(selectors.handovers_for(user), 50).get_page(request.GET.get("page"))
    for handover in page:
        handover.shown = selectors.content_shown(user, handover)  # type: ignore[attr-defined]
    log_ids([h.pk for h in page], by=user, purpose="warm handover", opening="handovers ")
    prepares = handover_sides(user).prepares
    context = {
        "page": page,
        "prepares": prepares,
        "due": list(selectors.handovers_due(user)[:50]) if prepares else [],
    }
    return render(request, "early_years/handovers.html", context)


def handover_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    pupil_filter, term = pupil_name_filter(request.GET)
    form = HandoverForm(
        request.POST or None,
        children=lambda: pupils_for_signal(user),
        schools=selectors.receiving_schools(),
        term=term,
    )
    if request.method == "POST" and form.is_valid():
        try:
            handover = services.handover_prepare(by=user, **form.cleaned_data)
        except CaseError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        except NotFound:
            form.add_error("child", _("Choose the child."))
        else:
            messages.success(
                request, _("The handover is prepared. Now record the parents' answer.")
            )
            return redirect("early_years:handover_detail", handover.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "pupil_filter": pupil_filter, "term": term}
    return render(request, "early_years/handover_form.html", context, status=status)


def _handover(request: HttpRequest, handover_id: int) -> Handover:
    try:
        return selectors.handover_for(_user(request), handover_id)
    except NotFound as missing:
        raise Http404 from missing


def _detail(
    request: HttpRequest, handover: Handover, status: int = 200, **forms: Any
) -> HttpResponse:
    user = _user(request)
    sending = selectors.on_sending_side(user, handover)
    receiving = selectors.on_receiving_side(user, handover)
    shown = selectors.content_shown(user, handover)
    log_access(
        by=user,
        event=Event.READ,
        purpose="warm handover",
        family_id=handover.child.family_id,
        child_id=handover.child_id,
        detail=f"handover {handover.pk}" + ("" if shown else " (no content)"),
    )
    context = {
        "handover": handover,
        "content_shown": shown,
        "sending": sending,
        "receiving": receiving,
        "follow_up_due": handover.meeting_at + FOLLOW_UP_AFTER if handover.meeting_at else None,
        "consent_form": forms.get("consent_form") or ConsentForm(),
        "meeting_form": forms.get("meeting_form")
        or MeetingForm(teachers=selectors.receiving_teachers(handover)),
        "result_form": forms.get("result_form") or ResultForm(),
        "follow_up_form": forms.get("follow_up_form") or FollowUpForm(),
    }
    return render(request, "early_years/handover_detail.html", context, status=status)


def handover_detail(request: HttpRequest, handover_id: int) -> HttpResponse:
    return _detail(request, _handover(request, handover_id))


def _act(request: HttpRequest, handover: Handover, form: Any, name: str, act: Any) -> HttpResponse:
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except CaseError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        except NotFound as missing:
            raise Http404 from missing
        else:
            messages.success(request, _("Saved."))
            return redirect("early_years:handover_detail", handover.pk)
    return _detail(request, handover, status=400, **{name: form})


@require_POST
def handover_consent(request: HttpRequest, handover_id: int) -> HttpResponse:
    handover = _handover(request, handover_id)
    return _act(
        request,
        handover,
        ConsentForm(request.POST),
        "consent_form",
        lambda data: services.handover_consent(
            by=_user(request), handover_id=handover.pk, given=data["given"], method=data["method"]
        ),
    )


@require_POST
def handover_plan(request: HttpRequest, handover_id: int) -> HttpResponse:
    handover = _handover(request, handover_id)
    return _act(
        request,
        handover,
        MeetingForm(request.POST, teachers=selectors.receiving_teachers(handover)),
        "meeting_form",
        lambda data: services.handover_plan_meeting(
            by=_user(request),
            handover_id=handover.pk,
            at=data["at"],
            receiving_teacher=data["receiving_teacher"],
        ),
    )


@require_POST
def handover_result(request: HttpRequest, handover_id: int) -> HttpResponse:
    handover = _handover(request, handover_id)
    return _act(
        request,
        handover,
        ResultForm(request.POST),
        "result_form",
        lambda data: services.handover_meeting_result(
            by=_user(request), handover_id=handover.pk, result=data["result"]
        ),
    )


@require_POST
def handover_follow_up(request: HttpRequest, handover_id: int) -> HttpResponse:
    handover = _handover(request, handover_id)
    return _act(
        request,
        handover,
        FollowUpForm(request.POST),
        "follow_up_form",
        lambda data: services.handover_follow_up(
            by=_user(request), handover_id=handover.pk, text=data["text"]
        ),
    )
