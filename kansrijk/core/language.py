"""Dutch unless the user chose English.

Pages follow the language the user picked in the menu (Django's language cookie), not the
browser's Accept-Language: the product speaks Dutch by default. API clients choose with
Accept-Language, as HTTP intends."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class LanguageMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        """Back to the default afterwards: a worker thread that served an English page must
        not write the next task's mail or message in English."""
        response = super().process_response(request, response)
        translation.deactivate()
        return response
