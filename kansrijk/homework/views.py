"""The family specialist's homework support: their list, a new one, one to end."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kansrijk.audit.models import Event
from kansrijk.audit.paging import log_ids
from kansrijk.audit.services import log_access
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.core.models import Professional
from kansrijk.homework import selectors, services
from kansrijk.homework.forms import EndForm, StartForm


def _user(request: HttpRequest) -> Professional:
    return request.user  # type: ignore[return-value]


def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    page = selectors.page_of(user, request.GET.get("page"))
    log_ids(
        [s.pk for s in page.object_list],
        by=user,
        purpose=services.PURPOSE,
        opening="homework support ",
    )
    return render(request, "homework/index.html", {"page": page})


def new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            support = services.homework_start(by=user, **form.cleaned_data)
        except NotFound as missing:
            raise Http404 from missing
        except CaseError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Homework support started."))
            return redirect("homework:detail", support_id=support.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "homework/new.html", {"form": form}, status=status)


def detail(request: HttpRequest, support_id: int) -> HttpResponse:
    user = _user(request)
    try:
        support = selectors.one(user, support_id)
    except NotFound as missing:
        raise Http404 from missing
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.homework_end(
                by=user,
                support_id=support.pk,
                result=form.cleaned_data["result"],
                note=form.cleaned_data["note"],
                ended_on=form.cleaned_data["ended_on"],
            )
        except CaseError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Homework support ended."))
            return redirect("homework:detail", support_id=support.pk)
    log_access(
        by=user,
        event=Event.READ,
        purpose=services.PURPOSE,
        family_id=support.family_id,
        child_id=support.child_id,
        detail=f"homework support {support.pk}",
    )
    status = 400 if request.method == "POST" else 200
    return render(
        request, "homework/detail.html", {"support": support, "form": form}, status=status
    )
