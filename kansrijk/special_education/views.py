"""Pages of the integrated arrangement. `access.gate` applies their rules (access.pages);
which arrangement a user reaches is `special_education.selectors`' answer (a forbidden one is
the same 404 as a missing one); every page that shows a pupil logs the access."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansrijk.audit.models import Event
from kansrijk.audit.paging import log_ids
from kansrijk.audit.services import log_access
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.core.models import Professional
from kansrijk.special_education import selectors, services
from kansrijk.special_education.forms import (
    ArrangementForm,
    CaseHandoverForm,
    EndForm,
    EntryForm,
    JointTeamConsentForm,
    NewArrangementForm,
    RenewalForm,
)
from kansrijk.special_education.models import Arrangement

PURPOSE = services.PURPOSE
PAGE_SIZE = 50


def _user(request: HttpRequest) -> Professional:
    return request.user  # type: ignore[return-value]


def arrangements(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    page = Paginator(selectors.arrangements_for(user), PAGE_SIZE).get_page(request.GET.get("page"))
    log_ids([a.pk for a in page], by=user, purpose=PURPOSE, opening="arrangements ")
    context = {"page": page, "starts": selectors.schools_kept(user).exists()}
    return render(request, "special_education/arrangements.html", context)


def _error(form: Any, error: CaseError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def arrangement_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    schools = selectors.schools_kept(user)
    school_ids = list(schools.values_list("pk", flat=True))
    school_id = school_ids[0] if len(school_ids) == 1 else 0
    form = NewArrangementForm(
        request.POST or None,
        children=selectors.pupils_of(schools),
        providers=selectors.providers_at(school_id) if school_id else _providers(school_ids),
        coordinators=selectors.coordinator_candidates(school_id)
        if school_id
        else _coordinators(school_ids),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        child = data.pop("child")
        try:
            arrangement = services.arrangement_create(by=user, child=child, **data)
        except CaseError as error:
            _error(form, error)
        except NotFound:
            form.add_error("child", _("Choose the pupil."))
        else:
            messages.success(
                request, _("The draft arrangement is saved. Record the family's consent next.")
            )
            return redirect("special_education:arrangement_detail", arrangement.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "special_education/arrangement_form.html",
        {"form": form, "new": True},
        status=status,
    )


def _providers(school_ids: list[int]) -> Any:
    from kansrijk.core.models import Organisation

    return Organisation.objects.filter(
        kind=Organisation.Kind.CARE_PROVIDER, special_schools__school__in=school_ids
    ).distinct()


def _coordinators(school_ids: list[int]) -> Any:
    queryset = Professional.objects.none()
    for school_id in school_ids:
        queryset = queryset | selectors.coordinator_candidates(school_id)
    return queryset.distinct()


def _arrangement(request: HttpRequest, arrangement_id: int) -> Arrangement:
    try:
        return selectors.arrangement_for(_user(request), arrangement_id)
    except NotFound as missing:
        raise Http404 from missing


def _detail(
    request: HttpRequest, arrangement: Arrangement, status: int = 200, **forms: Any
) -> HttpResponse:
    user = _user(request)
    log_access(
        by=user,
        event=Event.READ,
        purpose=PURPOSE,
        family_id=arrangement.child.family_id,
        child_id=arrangement.child_id,
        detail=f"arrangement {arrangement.pk}",
    )
    guardians = arrangement.child.family.guardians.filter(parental_authority=True)
    context = {
        "arrangement": arrangement,
        "keeps": selectors.keeps(user, arrangement),
        "side": selectors.side_of(user, arrangement),
        "consent": selectors.consent_in_force(arrangement),
        "entries": arrangement.entries.select_related("author"),
        "consent_form": forms.get("consent_form") or JointTeamConsentForm(guardians=guardians),
        "entry_form": forms.get("entry_form") or EntryForm(),
        "end_form": forms.get("end_form") or EndForm(),
    }
    return render(request, "special_education/arrangement_detail.html", context, status=status)


def arrangement_detail(request: HttpRequest, arrangement_id: int) -> HttpResponse:
    return _detail(request, _arrangement(request, arrangement_id))


def _act(
    request: HttpRequest,
    arrangement: Arrangement,
    form: Any,
    name: str,
    act: Callable[[dict[str, Any]], object],
) -> HttpResponse:
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except CaseError as error:
            _error(form, error)
        except NotFound as missing:
            raise Http404 from missing
        else:
            messages.success(request, _("Saved."))
            return redirect("special_education:arrangement_detail", arrangement.pk)
    return _detail(request, arrangement, status=400, **{name: form})


def arrangement_edit(request: HttpRequest, arrangement_id: int) -> HttpResponse:
    user = _user(request)
    arrangement = _arrangement(request, arrangement_id)
    if not selectors.keeps(user, arrangement):
        raise Http404
    initial = {name: getattr(arrangement, name) for name in services.EDITABLE}
    form = ArrangementForm(
        request.POST or None,
        initial=initial,
        providers=selectors.providers_at(arrangement.school_id),
        coordinators=selectors.coordinator_candidates(arrangement.school_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.arrangement_update(by=user, arrangement_id=arrangement.pk, **form.cleaned_data)
        except CaseError as error:
            _error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("special_education:arrangement_detail", arrangement.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "arrangement": arrangement, "new": False}
    return render(request, "special_education/arrangement_form.html", context, status=status)


@require_POST
def arrangement_consent(request: HttpRequest, arrangement_id: int) -> HttpResponse:
    arrangement = _arrangement(request, arrangement_id)
    guardians = arrangement.child.family.guardians.filter(parental_authority=True)
    return _act(
        request,
        arrangement,
        JointTeamConsentForm(request.POST, guardians=guardians),
        "consent_form",
        lambda data: services.arrangement_consent(
            by=_user(request), arrangement_id=arrangement.pk, **data
        ),
    )


@require_POST
def arrangement_activate(request: HttpRequest, arrangement_id: int) -> HttpResponse:
    arrangement = _arrangement(request, arrangement_id)
    try:
        services.arrangement_activate(by=_user(request), arrangement_id=arrangement.pk)
    except CaseError as error:
        messages.error(request, error.message)
        return _detail(request, arrangement, status=400)
    messages.success(request, _("The integrated arrangement is active."))
    return redirect("special_education:arrangement_detail", arrangement.pk)


@require_POST
def arrangement_entry(request: HttpRequest, arrangement_id: int) -> HttpResponse:
    arrangement = _arrangement(request, arrangement_id)
    return _act(
        request,
        arrangement,
        EntryForm(request.POST),
        "entry_form",
        lambda data: services.entry_add(
            by=_user(request), arrangement_id=arrangement.pk, text=data["text"]
        ),
    )


@require_POST
def arrangement_end(request: HttpRequest, arrangement_id: int) -> HttpResponse:
    arrangement = _arrangement(request, arrangement_id)
    return _act(
        request,
        arrangement,
        EndForm(request.POST),
        "end_form",
        lambda data: services.arrangement_end(
            by=_user(request), arrangement_id=arrangement.pk, reason=data["reason"]
        ),
    )


def arrangement_renew(request: HttpRequest, arrangement_id: int) -> HttpResponse:
    user = _user(request)
    arrangement = _arrangement(request, arrangement_id)
    if not selectors.keeps(user, arrangement):
        raise Http404
    form = RenewalForm(request.POST or None, initial={"ends_on": arrangement.ends_on})
    if request.method == "POST" and form.is_valid():
        try:
            services.arrangement_renew(by=user, arrangement_id=arrangement.pk, **form.cleaned_data)
        except CaseError as error:
            _error(form, error)
        else:
            messages.success(request, _("The integrated arrangement is renewed."))
            return redirect("special_education:arrangement_detail", arrangement.pk)
    log_access(
        by=user,
        event=Event.READ,
        purpose=PURPOSE,
        family_id=arrangement.child.family_id,
        child_id=arrangement.child_id,
        detail=f"arrangement {arrangement.pk} renewal form",
    )
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "arrangement": arrangement}
    return render(request, "special_education/arrangement_renew.html", context, status=status)


def case_handover(request: HttpRequest, case_id: int) -> HttpResponse:
    """On a case closed with "referred to special education": hand it over to the receiving
    special school with the parents' consent (the gate checked EDIT on the closed case)."""
    from kansrijk.cases.models import Case, Child, Guardian
    from kansrijk.core.models import Location

    user = _user(request)
    case = Case.objects.filter(pk=case_id).select_related("family").first()
    if case is None:
        raise Http404
    form = CaseHandoverForm(
        request.POST or None,
        children=Child.objects.filter(signals__case=case).distinct(),
        schools=Location.objects.filter(kind=Location.Kind.SPECIAL_SCHOOL).order_by("name"),
        guardians=Guardian.objects.filter(family=case.family_id, parental_authority=True),
    )
    if request.method == "POST" and form.is_valid():
        try:
            arrangement = services.case_handover(by=user, case_id=case.pk, **form.cleaned_data)
        except CaseError as error:
            _error(form, error)
        except NotFound as missing:
            raise Http404 from missing
        else:
            if arrangement is None:
                messages.success(request, _("The parents did not consent: nothing is handed over."))
            else:
                messages.success(
                    request,
                    _("Handed over: a draft integrated arrangement waits at %(school)s.")
                    % {"school": arrangement.school.name},
                )
            return redirect("cases:case_detail", case.pk)
    log_access(
        by=user,
        event=Event.READ,
        purpose=PURPOSE,
        case_id=case.pk,
        family_id=case.family_id,
        detail="handover to special education form",
    )
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "case": case}
    return render(request, "special_education/case_handover.html", context, status=status)
