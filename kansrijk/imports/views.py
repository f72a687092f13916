"""Import pages: a school's pupils (IB of that school, functional administrator) and staff
(functional administrator). Upload, preview, confirm; views read through selectors and write
through services. An import or school the user may not touch answers 404."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access
from kansrijk.core.models import Professional
from kansrijk.imports import selectors, services
from kansrijk.imports.errors import FileRefused
from kansrijk.imports.forms import PupilConfirmForm, PupilFileForm, StaffFileForm
from kansrijk.imports.models import ImportBatch
from kansrijk.imports.rows import problem_text
from kansrijk.imports.spreadsheet import GUARDIAN_FIELDS, PUPIL_COLUMNS

#: Rows shown per part of the preview; the counts above it are always complete.
SHOWN = 200
CHANGES = {
    "name": gettext_lazy("name"),
    "date_of_birth": gettext_lazy("date of birth"),
    "bsn": gettext_lazy("BSN"),
    "pupil_number": gettext_lazy("pupil number"),
    "group": gettext_lazy("group"),
    "school": gettext_lazy("comes from another school"),
    "returned": gettext_lazy("is back after leaving"),
    "address": gettext_lazy("address"),
    "guardian_added": gettext_lazy("new guardian"),
    "guardian_changed": gettext_lazy("guardian's details"),
}


def _user(request: HttpRequest) -> Professional:
    return request.user  # type: ignore[return-value]


def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    locations = list(selectors.import_locations(user))
    staff = selectors.may_import_staff(user)
    if not locations and not staff:
        raise Http404
    return render(request, "imports/index.html", {"locations": locations, "staff": staff})


def pupils(request: HttpRequest, location_code: str) -> HttpResponse:
    """Upload a pupil file for one school; the preview comes next."""
    user = _user(request)
    location = selectors.import_location(user, location_code)
    if location is None:
        raise Http404
    posted = request.method == "POST"
    form = PupilFileForm(request.POST, request.FILES) if posted else PupilFileForm()
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.pupil_import_prepare(
                by=user, location=location, data=upload.read(), file_name=upload.name,
                create_groups=form.cleaned_data["create_groups"],
            )  # fmt: skip
        except FileRefused as refused:
            form.add_error("file", refused.message)
        except services.NotAllowed as refused:
            raise Http404 from refused
        else:
            return redirect("imports:pupil_preview", batch_id=batch.pk)
    status = 400 if posted else 200
    columns = [*PUPIL_COLUMNS, *(f"verzorger1_{f}" for f in GUARDIAN_FIELDS)]
    return render(
        request,
        "imports/pupils.html",
        {"location": location, "form": form, "columns": columns},
        status=status,
    )


def _pupil_batch(request: HttpRequest, batch_id: uuid.UUID) -> ImportBatch:
    user = _user(request)
    batch = selectors.open_batch(user, batch_id, ImportBatch.Kind.PUPILS)
    if batch is None or batch.location is None:
        raise Http404
    if selectors.import_location(user, batch.location.code) is None:
        raise Http404
    return batch


def _day(iso: str) -> str:
    """2021-03-14 as the Dutch write it: 14-03-2021."""
    return "-".join(reversed(iso.split("-"))) if iso else ""


def _problems(problems: list[list[Any]]) -> list[str]:
    return [problem_text(code, params) for code, params in problems]


def _shown(preview: dict[str, Any]) -> dict[str, Any]:
    """The preview as the page shows it: problem texts, change labels, at most SHOWN rows."""
    parts: dict[str, Any] = {}
    for part in ("new", "changed", "leavers", "errors"):
        entries = preview.get(part, [])
        parts[part] = entries[:SHOWN]
        parts[f"{part}_more"] = max(0, len(entries) - SHOWN)
    parts["errors"] = [{**e, "texts": _problems(e["problems"])} for e in parts["errors"]]
    parts["new"] = [{**e, "date_of_birth": _day(e["date_of_birth"])} for e in parts["new"]]
    parts["leavers"] = [{**e, "left_on": _day(e["left_on"])} for e in parts["leavers"]]
    parts["changed"] = [
        {**e, "labels": [(str(CHANGES[what]), old, new) for what, old, new in e["changes"]]}
        for e in parts["changed"]
    ]
    parts["families"] = preview.get("families", [])[:SHOWN]
    return parts


def pupil_preview(request: HttpRequest, batch_id: uuid.UUID) -> HttpResponse:
    batch = _pupil_batch(request, batch_id)
    preview = batch.preview
    log_access(
        by=_user(request), event=Event.LIST, purpose=services.PURPOSE,
        detail=f"preview {batch.pk} for {batch.location.code if batch.location else ''}",
    )  # fmt: skip
    return render(
        request,
        "imports/pupil_preview.html",
        {
            "batch": batch,
            "preview": preview,
            "counts": preview.get("counts", {}),
            "shown": _shown(preview),
            "form": PupilConfirmForm(),
        },
    )


@require_POST
def pupil_confirm(request: HttpRequest, batch_id: uuid.UUID) -> HttpResponse:
    batch = _pupil_batch(request, batch_id)
    form = PupilConfirmForm(request.POST)
    form.is_valid()
    try:
        counts = services.pupil_import_confirm(
            by=_user(request), batch=batch,
            group_siblings=bool(form.cleaned_data.get("group_siblings")),
        )  # fmt: skip
    except FileRefused as refused:
        messages.error(request, refused.message)
        return redirect("imports:index")
    messages.success(
        request,
        _(
            "Import done: %(new)s new pupils, %(changed)s changed, %(left)s marked as left, "
            "%(errors)s rows with problems not imported."
        )
        % counts,
    )
    assert batch.location is not None
    return redirect("imports:pupils", location_code=batch.location.code)


# --- staff -------------------------------------------------------------------------------------


def staff(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not selectors.may_import_staff(user):
        raise Http404
    posted = request.method == "POST"
    form = StaffFileForm(request.POST, request.FILES) if posted else StaffFileForm()
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.staff_import_prepare(
                by=user, data=upload.read(), file_name=upload.name
            )
        except FileRefused as refused:
            form.add_error("file", refused.message)
        else:
            return redirect("imports:staff_preview", batch_id=batch.pk)
    status = 400 if posted else 200
    return render(request, "imports/staff.html", {"form": form}, status=status)


def _staff_batch(request: HttpRequest, batch_id: uuid.UUID) -> ImportBatch:
    user = _user(request)
    batch = selectors.open_batch(user, batch_id, ImportBatch.Kind.STAFF)
    if batch is None or not selectors.may_import_staff(user):
        raise Http404
    return batch


def staff_preview(request: HttpRequest, batch_id: uuid.UUID) -> HttpResponse:
    batch = _staff_batch(request, batch_id)
    preview = batch.preview
    errors = [{**e, "texts": _problems(e["problems"])} for e in preview.get("errors", [])]
    return render(
        request,
        "imports/staff_preview.html",
        {"batch": batch, "preview": preview, "errors": errors},
    )


@require_POST
def staff_confirm(request: HttpRequest, batch_id: uuid.UUID) -> HttpResponse:
    batch = _staff_batch(request, batch_id)
    try:
        result = services.staff_import_confirm(by=_user(request), batch=batch)
    except FileRefused as refused:
        messages.error(request, refused.message)
        return redirect("imports:staff")
    messages.success(
        request,
        _("Import done: %(professionals)s new professionals, %(memberships)s roles added.")
        % result,
    )
    if result["to_invite"]:
        messages.warning(
            request,
            _("Invitation to be sent (inactive until then): %(emails)s")
            % {"emails": ", ".join(result["to_invite"])},
        )
    return redirect("imports:staff")
