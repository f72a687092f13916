"""Root URLs: pages per app, the API under /api/, and the health check."""

from django.urls import include, path

from kansrijk.api import api
from kansrijk.core.views import health

urlpatterns = [
    path("health", health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("", include("kansrijk.core.urls")),
    path("", include("kansrijk.cases.urls")),
]
