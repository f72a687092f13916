"""Pages of the dyslexia gatekeeper (programme line 4). `access.gate` applies their rules
(access.pages); which file a user reaches is `dyslexia.selectors`' answer."""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansrijk.audit.models import Event
from kansrijk.audit.paging import log_ids
from kansrijk.audit.services import log_access
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.forms import pupil_name_filter
from kansrijk.core.models import Professional
from kansrijk.dyslexia import selectors, services
from kansrijk.dyslexia.forms import (
    AnswerForm,
    ConsentForm,
    DecisionForm,
    ExclusionForm,
    FileForm,
    IssueForm,
    MeasurementForm,
    QuestionForm,
    SupportForm,
)
from kansrijk.dyslexia.models import SCHOOL_EDITS, WITH_GATEKEEPER, DyslexiaFile

PAGE_SIZE = 50


def _user(request: HttpRequest) -> Professional:
    return request.user  # type: ignore[return-value]


def _listed(user: Professional, page: Any, what: str) -> None:
    log_ids([f.pk for f in page], by=user, purpose=services.PURPOSE, opening=f"{what} ")


def files(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    page = Paginator(selectors.files_of_school(user), PAGE_SIZE).get_page(request.GET.get("page"))
    _listed(user, page, "school files")
    return render(request, "dyslexia/files.html", {"page": page})


def file_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    pupil_filter, term = pupil_name_filter(request.GET)
    form = FileForm(
        request.POST or None, pupils=lambda: selectors.pupils_of_school(user), term=term
    )
    if request.method == "POST" and form.is_valid():
        try:
            file = services.file_open(by=user, child=form.cleaned_data["child"])
        except CaseError as error:
            form.add_error("child", error.message)
        except NotFound:
            form.add_error("child", _("Choose the pupil."))
        else:
            messages.success(request, _("The file is opened. Add the measurements and support."))
            return redirect("dyslexia:file_detail", file.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "pupil_filter": pupil_filter, "term": term}
    return render(request, "dyslexia/file_form.html", context, status=status)


def _file(request: HttpRequest, file_id: int) -> DyslexiaFile:
    try:
        return selectors.file_for(_user(request), file_id)
    except NotFound as missing:
        raise Http404 from missing


def _exclusion_initial(file: DyslexiaFile) -> dict[str, Any]:
    def yes_no(value: bool | None) -> str:
        return "" if value is None else ("yes" if value else "no")

    return {
        "hearing_checked": yes_no(file.hearing_checked),
        "vision_checked": yes_no(file.vision_checked),
        "iq_indication": file.iq_indication,
        "absence": file.absence,
        "other_causes": file.other_causes,
    }


def _decision_form(data: Any = None) -> DecisionForm:
    return DecisionForm(
        data,
        providers=selectors.dyslexia_providers(),
        municipalities=selectors.municipalities(),
    )


def _detail(
    request: HttpRequest, file: DyslexiaFile, status: int = 200, **forms: Any
) -> HttpResponse:
    user = _user(request)
    writes = selectors.writes(user, file)
    assesses = selectors.assesses(user, file)
    services.log(user, file, Event.READ, "file page")
    open_question = next((q for q in file.question_list if q.answered_at is None), None)  # type: ignore[attr-defined]
    context = {
        "file": file,
        "child": file.child,
        "check": services.file_check(file),
        "consent": selectors.consent_in_force(file),
        "school_edits": writes and file.status in SCHOOL_EDITS,
        "writes": writes,
        "assesses": assesses and file.status in WITH_GATEKEEPER,
        "open_question": open_question,
        "exclusion_form": forms.get("exclusion_form")
        or ExclusionForm(initial=_exclusion_initial(file)),
        "measurement_form": forms.get("measurement_form") or MeasurementForm(),
        "support_form": forms.get("support_form") or SupportForm(),
        "consent_form": forms.get("consent_form") or ConsentForm(),
        "answer_form": forms.get("answer_form")
        or AnswerForm(initial={"question_id": open_question.pk if open_question else None}),
        "question_form": forms.get("question_form") or QuestionForm(),
        "error": forms.get("error"),
    }
    return render(request, "dyslexia/file_detail.html", context, status=status)


def file_detail(request: HttpRequest, file_id: int) -> HttpResponse:
    return _detail(request, _file(request, file_id))


def _act(
    request: HttpRequest,
    file_id: int,
    form_class: Callable[..., Any] | None,
    name: str,
    act: Callable[[dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    file = _file(request, file_id)
    form = form_class(request.POST) if form_class is not None else None
    if form is None or form.is_valid():
        try:
            act(form.cleaned_data if form is not None else {})
        except CaseError as error:
            if form is not None and error.field in form.fields:
                form.add_error(error.field, error.message)
            elif form is not None:
                form.add_error(None, error.message)
            else:
                return _detail(request, _file(request, file_id), status=400, error=error.message)
        except NotFound as missing:
            raise Http404 from missing
        else:
            messages.success(request, done)
            return redirect("dyslexia:file_detail", file.pk)
    return _detail(request, _file(request, file_id), status=400, **{name: form})


@require_POST
def exclusion(request: HttpRequest, file_id: int) -> HttpResponse:
    return _act(
        request,
        file_id,
        ExclusionForm,
        "exclusion_form",
        lambda d: services.exclusion_record(by=_user(request), file_id=file_id, **d),
        _("Saved."),
    )


@require_POST
def measurement_add(request: HttpRequest, file_id: int) -> HttpResponse:
    return _act(
        request,
        file_id,
        MeasurementForm,
        "measurement_form",
        lambda d: services.measurement_add(by=_user(request), file_id=file_id, **d),
        _("The measurement is added."),
    )


@require_POST
def support_add(request: HttpRequest, file_id: int) -> HttpResponse:
    return _act(
        request,
        file_id,
        SupportForm,
        "support_form",
        lambda d: services.support_add(by=_user(request), file_id=file_id, **d),
        _("The support period is added."),
    )


@require_POST
def consent(request: HttpRequest, file_id: int) -> HttpResponse:
    return _act(
        request,
        file_id,
        ConsentForm,
        "consent_form",
        lambda d: services.consent_record(by=_user(request), file_id=file_id, **d),
        _("The parents' answer is recorded."),
    )


@require_POST
def answer(request: HttpRequest, file_id: int) -> HttpResponse:
    return _act(
        request,
        file_id,
        AnswerForm,
        "answer_form",
        lambda d: services.question_answer(by=_user(request), file_id=file_id, **d),
        _("Your answer is saved. Complete the file and submit it again."),
    )


@require_POST
def submit(request: HttpRequest, file_id: int) -> HttpResponse:
    return _act(
        request,
        file_id,
        None,
        "",
        lambda d: services.file_submit(by=_user(request), file_id=file_id),
        _("The file is submitted to the gatekeeper."),
    )


@require_POST
def withdraw(request: HttpRequest, file_id: int) -> HttpResponse:
    return _act(
        request,
        file_id,
        None,
        "",
        lambda d: services.file_withdraw(by=_user(request), file_id=file_id),
        _("The file is withdrawn."),
    )


# --- the gatekeeper --------------------------------------------------------------------------


def work_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    waiting = list(selectors.waiting_for_gatekeeper(user)[:PAGE_SIZE])
    page = Paginator(
        selectors.work_list(user).exclude(pk__in=[f.pk for f in waiting]).order_by("-id"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    _listed(user, [*waiting, *page], "gatekeeper work list")
    return render(request, "dyslexia/work_list.html", {"waiting": waiting, "page": page})


@require_POST
def ask(request: HttpRequest, file_id: int) -> HttpResponse:
    return _act(
        request,
        file_id,
        QuestionForm,
        "question_form",
        lambda d: services.question_ask(by=_user(request), file_id=file_id, **d),
        _("Your question is sent to the school."),
    )


@require_POST
def review(request: HttpRequest, file_id: int) -> HttpResponse:
    return _act(
        request,
        file_id,
        None,
        "",
        lambda d: services.file_review(by=_user(request), file_id=file_id),
        _("The file is marked complete and under review."),
    )


def decide(request: HttpRequest, file_id: int) -> HttpResponse:
    """The decision page: the automatic check beside the decision form."""
    user = _user(request)
    file = _file(request, file_id)
    if not selectors.assesses(user, file) or file.status not in WITH_GATEKEEPER:
        raise Http404
    form = _decision_form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.file_decide(by=user, file_id=file_id, **form.cleaned_data)
        except CaseError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Your decision is recorded and the school is told."))
            return redirect("dyslexia:file_detail", file.pk)
    services.log(user, file, Event.READ, "decision page")
    context = {
        "file": file,
        "child": file.child,
        "check": services.file_check(file),
        "consent": selectors.consent_in_force(file),
        "decision_form": form,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "dyslexia/decide.html", context, status=status)


# --- the care provider and the municipality --------------------------------------------------


def referrals(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    page = Paginator(selectors.referrals_to(user), PAGE_SIZE).get_page(request.GET.get("page"))
    _listed(user, page, "referrals")
    return render(request, "dyslexia/referrals.html", {"page": page})


def decisions(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    page = Paginator(selectors.decisions_to_issue(user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    _listed(user, page, "decisions to issue")
    return render(request, "dyslexia/decisions.html", {"page": page, "issue_form": IssueForm()})


def decisions_csv(request: HttpRequest) -> HttpResponse:
    """Dutch Excel reads a semicolon-separated file in UTF-8 when it starts with a BOM."""
    user = _user(request)
    rows = list(selectors.decisions_to_issue(user))
    log_access(
        by=user,
        event=Event.EXPORT,
        purpose=services.PURPOSE,
        detail="decisions to issue " + ",".join(str(f.pk) for f in rows),
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="eed-beschikkingen-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Number"),
            _("Given name"),
            _("Family name"),
            _("Date of birth"),
            _("BSN"),
            _("Dyslexia care provider"),
            _("Referred on"),
            _("Issued on"),
            _("Decision number"),
        ]
    )
    for file in rows:
        writer.writerow(
            [
                file.pk,
                file.child.given_name,
                file.child.family_name,
                file.child.date_of_birth.strftime("%d-%m-%Y"),
                file.child.bsn or "",
                file.provider.name if file.provider else "",
                timezone.localtime(file.decided_at).strftime("%d-%m-%Y") if file.decided_at else "",
                timezone.localtime(file.issued_at).strftime("%d-%m-%Y") if file.issued_at else "",
                file.decision_number,
            ]
        )
    return response


@require_POST
def decision_issue(request: HttpRequest, file_id: int) -> HttpResponse:
    user = _user(request)
    form = IssueForm(request.POST)
    if form.is_valid():
        try:
            services.decision_issue(by=user, file_id=file_id, number=form.cleaned_data["number"])
        except NotFound as missing:
            raise Http404 from missing
        except CaseError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The decision is recorded as issued."))
    else:
        try:
            selectors.decision_for(user, file_id)
        except NotFound as missing:
            raise Http404 from missing
        messages.error(request, _("Give the decision's number."))
    return redirect("dyslexia:decisions")
