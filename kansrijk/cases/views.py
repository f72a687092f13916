"""Pages of the zorgroute: my work, the signal form, the case page, the attention list."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def my_work(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/my_work.html", {})
