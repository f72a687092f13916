"""Root URLs: pages per app, the API under /api/, and the health check."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext
from django.views import defaults
from django.views.i18n import set_language
from oauth2_provider.views import RevokeTokenView, TokenView

from kansrijk.api import api, problem, unknown_path
from kansrijk.core.views import health

handler500 = "kansrijk.core.outage.server_error"

urlpatterns = [
    path("health", health, name="health"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # Partner systems' tokens (OAuth 2.0 client credentials; kansrijk.clients).
    path("oauth/token/", login_not_required(TokenView.as_view()), name="oauth_token"),
    path(
        "oauth/revoke_token/",
        login_not_required(RevokeTokenView.as_view()),
        name="oauth_revoke_token",
    ),
    path("api/", api.urls),
    re_path(r"^api/(?P<path>.*)$", unknown_path),
    path("consent/", include("kansrijk.consent.urls")),
    path("notifications/", include("kansrijk.notifications.urls")),
    path("roster/", include("kansrijk.roster.urls")),
    path("stand-ins/", include("kansrijk.standins.urls")),
    path("homework/", include("kansrijk.homework.urls")),
    path("monitor/", include("kansrijk.monitor.urls")),
    path("safety/", include("kansrijk.safety.urls")),
    path("meetings/", include("kansrijk.meetings.urls")),
    path("handovers/", include("kansrijk.early_years.urls")),
    path("special-education/", include("kansrijk.special_education.urls")),
    path("dyslexie/", include("kansrijk.dyslexia.urls")),
    path("privacy/inzage/", include("kansrijk.privacy.urls")),
    path("privacy/", include("kansrijk.audit.urls")),
    path("account/", include("kansrijk.accounts.urls")),
    path("beheer/", admin.site.urls),
    path("import/", include("kansrijk.imports.urls")),
    path("", include("kansrijk.portal.urls")),
    path("", include("kansrijk.core.urls")),
    path("", include("kansrijk.threads.urls")),
    path("", include("kansrijk.attention.urls")),
    path("", include("kansrijk.cases.urls")),
]


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A request Django refuses before any view (a forged Host header, say): the API answers
    it as problem+json like every other error, the pages with Django's own 400 page."""
    if request.path.startswith("/api/"):
        return problem(request, 400, gettext("Bad request"))
    return defaults.bad_request(request, exception)


handler400 = bad_request
