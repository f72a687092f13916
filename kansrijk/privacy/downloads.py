"""The inzage as downloads, for the pages, the portal and the API: the JSON streamed, a made
PDF as it was stored."""

from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse

from kansrijk.privacy.inzage import Inzage
from kansrijk.privacy.models import InzageFile


def json_response(export: Inzage, name: str | None = None) -> StreamingHttpResponse:
    """An export as JSON (also the portal's and the API's), streamed as the database hands
    the access log over (`Inzage.json_text`): a family's tens of thousands of entries are
    never held whole in the worker. With a `name`, an attachment of that name."""
    response = StreamingHttpResponse(
        export.json_text(), content_type="application/json; charset=utf-8"
    )
    if name is not None:
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response


def pdf_response(file: InzageFile, name: str) -> HttpResponse:
    """A made file as an attachment (also the portal's)."""
    response = HttpResponse(bytes(file.content or b""), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
