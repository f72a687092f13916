"""No copy of personal data in a browser's or proxy's cache.

Every answer to a signed-in user (a session cookie was sent or is being set) and every API
answer may carry a child's data, so each gets `Cache-Control: no-store` (and `Pragma:
no-cache` for old HTTP/1.0 caches). One rule here instead of a decorator per view, so a new
page or download cannot forget it. Anonymous pages (login, public calendar feeds) and the
static files (served by WhiteNoise before this runs) stay cacheable.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            or settings.SESSION_COOKIE_NAME in response.cookies
            or request.path.startswith("/api/")
        ):
            add_never_cache_headers(response)
            response["Pragma"] = "no-cache"
        return response
