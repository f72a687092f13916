"""Inzage over the API (mounted by kansrijk.api): the same export and rules as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Router

from kansrijk.core.models import Professional
from kansrijk.privacy.downloads import json_response
from kansrijk.privacy.inzage import inzage_export

router = Router(tags=["privacy"])


def _user(request: HttpRequest) -> Professional:
    return request.user  # type: ignore[return-value]


@router.get("/families/{family_id}/inzage", response=dict[str, Any])
def family_inzage(request: HttpRequest, family_id: int) -> StreamingHttpResponse:
    """Everything kept about a family (AVG art. 15), streamed; the export is logged."""
    return json_response(inzage_export(by=_user(request), family_id=family_id))


@router.get("/children/{child_id}/inzage", response=dict[str, Any])
def child_inzage(request: HttpRequest, child_id: int) -> StreamingHttpResponse:
    """Everything kept about a child (AVG art. 15), streamed; the export is logged."""
    return json_response(inzage_export(by=_user(request), child_id=child_id))
