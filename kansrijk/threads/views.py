"""The support team's thread of a case: read by who reads the file, written by who edits it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansrijk.access.matrix import Action
from kansrijk.access.policies import can
from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.models import Case
from kansrijk.cases.selectors import case_for
from kansrijk.core.models import Professional
from kansrijk.threads import selectors, services
from kansrijk.threads.forms import MessageForm


def _user(request: HttpRequest) -> Professional:
    return request.user  # type: ignore[return-value]


def _case(request: HttpRequest, case_id: int, action: Action) -> Case:
    try:
        return case_for(_user(request), case_id, action)
    except NotFound as missing:
        raise Http404 from missing


def _render(request: HttpRequest, case: Case, form: MessageForm, status: int = 200) -> HttpResponse:
    user = _user(request)
    page = selectors.thread_page(case, request.GET.get("page"))
    log_access(
        by=user,
        event=Event.READ,
        purpose=services.PURPOSE,
        case_id=case.pk,
        family_id=case.family_id,
        detail=f"thread page {page.number}",
    )
    services.thread_mark_read(by=user, case=case)
    context: dict[str, Any] = {
        "case": case,
        "page": page,
        "form": form,
        "may_write": case.is_open and can(user, Action.EDIT, case),
    }
    return render(request, "threads/case_thread.html", context, status=status)


def case_thread(request: HttpRequest, case_id: int) -> HttpResponse:
    return _render(request, _case(request, case_id, Action.FULL), MessageForm())


@require_POST
def message_add(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id, Action.EDIT)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.thread_message_post(
                by=_user(request), case_id=case.pk, text=form.cleaned_data["text"]
            )
        except NotFound as missing:
            raise Http404 from missing
        except CaseError as error:
            form.add_error("text", error.message)
        else:
            messages.success(request, _("Message sent to the support team."))
            return redirect("threads:case_thread", case_id=case.pk)
    return _render(request, case, form, status=400)
