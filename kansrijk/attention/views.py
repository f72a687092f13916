"""Pages of the kept attention list and the agreements about school. Views read through
selectors and write through services; what the user may not see answers 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansrijk.attention import selectors, services
from kansrijk.attention.forms import (
    AgreementEndForm,
    AgreementForm,
    EntryAddForm,
    NeedForm,
    RemoveForm,
)
from kansrijk.attention.models import AttentionEntry
from kansrijk.audit.paging import log_ids
from kansrijk.cases import selectors as case_selectors
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.core.models import Location, Professional


def _user(request: HttpRequest) -> Professional:
    return request.user  # type: ignore[return-value]


def _form_error(form: Any, error: CaseError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _location(request: HttpRequest, location_code: str) -> tuple[Location, list[Location]]:
    locations = case_selectors.attention_list_locations(_user(request))
    location = next((loc for loc in locations if loc.code == location_code), None)
    if location is None or not selectors.may_read(_user(request), location):
        raise Http404
    return location, locations


def lists(request: HttpRequest) -> HttpResponse:
    locations = case_selectors.attention_list_locations(_user(request))
    if not locations:
        raise Http404
    if len(locations) == 1:
        return redirect("attention:list", location_code=locations[0].code)
    return render(request, "attention/lists.html", {"locations": locations})


def _render_list(
    request: HttpRequest,
    location: Location,
    locations: list[Location],
    *,
    bad_entry: AttentionEntry | None = None,
    bad_form: Any = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    page = selectors.entries(user, location, request.GET.get("page") or request.POST.get("page"))
    entries, seen = page.entries, page.seen
    if bad_entry is not None and all(e.pk != bad_entry.pk for e in entries):
        entries = [bad_entry, *entries]  # moved to another page since: its error shows here
    cases = [e.case for e in entries]
    case_selectors.children_shown(user, cases)
    case_selectors.signals_shown(user, cases)
    if status == 200:
        services.visit(by=user, location=location)
    for entry in entries:
        is_new = seen is None or entry.added_at > seen
        entry.is_new = is_new  # type: ignore[attr-defined]
        entry.is_changed = seen is not None and not is_new and entry.changed_at > seen  # type: ignore[attr-defined]
        if bad_entry is not None and bad_entry.pk == entry.pk:
            entry.form = bad_form  # type: ignore[attr-defined]
            entry.form_kind = "need" if isinstance(bad_form, NeedForm) else "remove"  # type: ignore[attr-defined]
    _log_list(user, f"attention list {location.code}", cases)
    return render(
        request,
        "attention/list.html",
        {
            "location": location,
            "locations": locations,
            "entries": entries,
            "page": page,
            "keeps": selectors.may_keep(user, location),
            "opened": request.GET.get("open", ""),
            "seen": seen,
            "new_count": page.fresh,
        },
        status=status,
    )


def _log_list(user: Professional, purpose: str, cases: list[Any]) -> None:
    log_ids([c.pk for c in cases], by=user, purpose=purpose, opening="cases ")


def attention_list(request: HttpRequest, location_code: str) -> HttpResponse:
    """Seed 001: the pupils who need extra attention at one school, kept by the SWV-er and the
    IB and shared with the family specialist, who sees what is new since their last visit."""
    location, locations = _location(request, location_code)
    return _render_list(request, location, locations)


def entry_add(request: HttpRequest, location_code: str) -> HttpResponse:
    """The IB or SWV specialist puts a pupil on the list with a reason and what they need."""
    location, _locations = _location(request, location_code)
    user = _user(request)
    if not selectors.may_keep(user, location):
        raise Http404
    addable = list(selectors.addable_cases(user, location))
    case_selectors.children_shown(user, addable)
    _log_list(user, f"attention list {location.code}: add", addable)
    form = EntryAddForm(request.POST or None, cases=addable)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_add(
                by=user,
                location=location,
                case_id=form.cleaned_data["case"].pk,
                reason=form.cleaned_data["reason"],
                need=form.cleaned_data["need"],
            )
        except CaseError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The pupil is on the attention list."))
            return redirect("attention:list", location_code=location.code)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "attention/add.html", {"location": location, "form": form}, status=status
    )


def _entry_post(request: HttpRequest, entry_id: int, form_class: Any, write: Any) -> HttpResponse:
    user = _user(request)
    entry = selectors.entry_for(user, entry_id)
    if entry is None:
        raise Http404
    form = form_class(request.POST)
    if form.is_valid():
        try:
            write(by=user, entry_id=entry.pk, **form.cleaned_data)
        except NotFound as missing:
            raise Http404 from missing
        except CaseError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The attention list has been updated."))
            listed = reverse("attention:list", args=[entry.location.code])
            page = request.POST.get("page", "")
            return redirect(
                f"{listed}?page={page}" if page.isascii() and page.isdigit() else listed
            )
    location, locations = _location(request, entry.location.code)
    return _render_list(request, location, locations, bad_entry=entry, bad_form=form, status=400)


@require_POST
def entry_need(request: HttpRequest, entry_id: int) -> HttpResponse:
    return _entry_post(request, entry_id, NeedForm, services.entry_need)


@require_POST
def entry_remove(request: HttpRequest, entry_id: int) -> HttpResponse:
    return _entry_post(request, entry_id, RemoveForm, services.entry_remove)


def history(request: HttpRequest, location_code: str) -> HttpResponse:
    """Who changed what on the school's list."""
    location, locations = _location(request, location_code)
    user = _user(request)
    changes = selectors.history(user, location)
    cases = list({c.entry.case_id: c.entry.case for c in changes}.values())
    case_selectors.children_shown(user, cases)
    _log_list(user, f"attention list history {location.code}", cases)
    return render(
        request,
        "attention/history.html",
        {"location": location, "locations": locations, "changes": changes},
    )


# --- agreements about a vulnerable child at school -------------------------------------------


@require_POST
def agreement_new(request: HttpRequest, case_id: int) -> HttpResponse:
    user = _user(request)
    try:
        case = case_selectors.case_for(user, case_id)
    except NotFound as missing:
        raise Http404 from missing
    form = AgreementForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_make(by=user, case_id=case.pk, **form.cleaned_data)
        except NotFound as missing:
            raise Http404 from missing
        except CaseError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The agreement about school has been recorded."))
            return redirect("cases:case_network", case_id=case.pk)
    return render(
        request, "attention/agreement_form.html", {"case": case, "form": form}, status=400
    )


@require_POST
def agreement_end(request: HttpRequest, agreement_id: int) -> HttpResponse:
    user = _user(request)
    agreement = selectors.agreement_for(user, agreement_id)
    if agreement is None:
        raise Http404
    form = AgreementEndForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_end(by=user, agreement_id=agreement.pk, **form.cleaned_data)
        except NotFound as missing:
            raise Http404 from missing
        except CaseError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The agreement has ended."))
            return redirect("cases:case_network", case_id=agreement.case_id)
    return render(
        request,
        "attention/agreement_end.html",
        {"agreement": agreement, "form": form},
        status=400,
    )
