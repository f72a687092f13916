"""Inzage pages: per family or child, a page with the JSON download and the PDF files asked
for (made in the background, kansrijk.privacy.files)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access
from kansrijk.cases.errors import NotFound
from kansrijk.core.models import Professional
from kansrijk.privacy import files
from kansrijk.privacy.downloads import json_response, pdf_response
from kansrijk.privacy.inzage import (
    PURPOSE,
    exportable_cases,
    inzage_export,
    subject_of,
)
from kansrijk.privacy.models import InzageFile


def _user(request: HttpRequest) -> Professional:
    return request.user  # type: ignore[return-value]


@require_GET
def inzage(
    request: HttpRequest, family_id: int | None = None, child_id: int | None = None
) -> HttpResponse:
    """What an inzage covers, the JSON download and one's PDF files; a forbidden subject is
    a 404."""
    try:
        subject = subject_of(family_id=family_id, child_id=child_id)
        case_ids, rule = exportable_cases(_user(request), subject)
    except NotFound as missing:
        raise Http404 from missing
    child_id = subject.child.pk if subject.child else None
    log_access(
        by=_user(request), event=Event.READ, purpose=PURPOSE, family_id=subject.family.pk,
        child_id=child_id, detail=f"inzage page; rule: {rule}",
    )  # fmt: skip
    own = files.files_of(by=_user(request), family_id=subject.family.pk, child_id=child_id)
    return render(
        request,
        "privacy/inzage.html",
        {
            "subject": subject,
            "case_ids": case_ids,
            "files": own,
            "making": any(f.status == InzageFile.Status.QUEUED for f in own),
        },
    )


@require_GET
def inzage_json(
    request: HttpRequest, family_id: int | None = None, child_id: int | None = None
) -> StreamingHttpResponse:
    try:
        export = inzage_export(by=_user(request), family_id=family_id, child_id=child_id)
    except NotFound as missing:
        raise Http404 from missing
    return json_response(
        export, f"inzage-child-{child_id}" if child_id else f"inzage-family-{family_id}"
    )


@require_POST
def inzage_pdf(
    request: HttpRequest, family_id: int | None = None, child_id: int | None = None
) -> HttpResponse:
    """Ask for the PDF; the page shows it when the background task has made it."""
    try:
        files.pdf_request(by=_user(request), family_id=family_id, child_id=child_id)
    except NotFound as missing:
        raise Http404 from missing
    messages.success(request, _("The PDF is being made. It appears below in a minute."))
    if child_id is not None:
        return redirect("privacy:inzage_child", child_id=child_id)
    return redirect("privacy:inzage_family", family_id=family_id)


@require_GET
def inzage_file(request: HttpRequest, file_id: int) -> HttpResponse:
    """One's own ready PDF; anyone else's, or an expired one, is a 404."""
    try:
        file = files.download(file_id=file_id, by=_user(request))
    except NotFound as missing:
        raise Http404 from missing
    return pdf_response(file, f"inzage-{file.requested_at:%Y%m%d}-{file.pk}")
