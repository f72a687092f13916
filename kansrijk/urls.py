"""Root URLs: pages per app, the API under /api/, and the health check."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from kansrijk.api import api
from kansrijk.core.views import health

urlpatterns = [
    path("health", health, name="health"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("api/", api.urls),
    path("roster/", include("kansrijk.roster.urls")),
    path("monitor/", include("kansrijk.monitor.urls")),
    path("", include("kansrijk.core.urls")),
    path("", include("kansrijk.cases.urls")),
]
