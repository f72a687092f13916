"""The request's source address, kept for access-log entries written deeper down."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

source_address: ContextVar[str | None] = ContextVar("source_address", default=None)
#: The partner system (kansrijk.clients) whose token the request carries: its entries name it.
api_client: ContextVar[int | None] = ContextVar("api_client", default=None)


class SourceAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = source_address.set(request.META.get("REMOTE_ADDR"))
        try:
            return self.get_response(request)
        finally:
            source_address.reset(token)
