"""The privacy officer's page: who opened this child's or family's file, when and why."""

from __future__ import annotations

from typing import Any, cast

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kansrijk.audit.forms import AccessSearchForm
from kansrijk.audit.models import AccessLogEntry
from kansrijk.audit.search import Criteria, search_access_log
from kansrijk.audit.selectors import is_privacy_officer
from kansrijk.core.models import Professional

PAGE_SIZE = 100


def officer(request: HttpRequest) -> HttpResponse:
    user: Professional = request.user  # type: ignore[assignment]
    if not is_privacy_officer(user):
        raise Http404
    form = AccessSearchForm(request.GET or None)
    context: dict[str, object] = {"form": form}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        criteria = Criteria(
            q=data["q"], family_id=data["family"], child_id=data["child"], case_id=data["case"],
            user=data["user"].strip(), since=data["since"], until=data["until"],
        )  # fmt: skip
        if criteria.describe() != Criteria().describe():
            result = search_access_log(by=user, criteria=criteria)
            context["result"] = result
            if result.entries is not None:
                # A Paginator asks its list for count() and slices: NewestFirst has both.
                entries = cast(Any, result.entries)
                paginator: Paginator[AccessLogEntry] = Paginator(entries, PAGE_SIZE)
                context["page"] = paginator.get_page(request.GET.get("page"))
    return render(request, "audit/officer.html", context)
