"""Inzage pages: per family or child, a page with the JSON and PDF downloads."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access
from kansrijk.cases.errors import NotFound
from kansrijk.core.models import Professional
from kansrijk.privacy.inzage import PURPOSE, exportable_cases, inzage_export, render_pdf, subject_of


def _user(request: HttpRequest) -> Professional:
    return request.user  # type: ignore[return-value]


def inzage(
    request: HttpRequest, family_id: int | None = None, child_id: int | None = None
) -> HttpResponse:
    """What an inzage covers, with the two downloads; a forbidden subject is a 404."""
    try:
        subject = subject_of(family_id=family_id, child_id=child_id)
        case_ids, rule = exportable_cases(_user(request), subject)
    except NotFound as missing:
        raise Http404 from missing
    log_access(
        by=_user(request), event=Event.READ, purpose=PURPOSE, family_id=subject.family.pk,
        child_id=subject.child.pk if subject.child else None, detail=f"inzage page; rule: {rule}",
    )  # fmt: skip
    return render(request, "privacy/inzage.html", {"subject": subject, "case_ids": case_ids})


def inzage_download(
    request: HttpRequest, form: str, family_id: int | None = None, child_id: int | None = None
) -> HttpResponse:
    try:
        export = inzage_export(by=_user(request), family_id=family_id, child_id=child_id, form=form)
    except NotFound as missing:
        raise Http404 from missing
    name = f"inzage-child-{child_id}" if child_id else f"inzage-family-{family_id}"
    if form == "pdf":
        response = HttpResponse(render_pdf(export), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    else:
        body = json.dumps(export.as_json(), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    response["Cache-Control"] = "no-store"
    return response
