"""The root URLs with the privacy pages and API mounted as the lead mounts them (privacy/,
privacy/inzage/, /api/audit/, /api/privacy/), for as long as kansrijk.urls and kansrijk.api
do not include them yet; once they do, this adds nothing."""

from __future__ import annotations

from django.urls import include, path
from ninja import NinjaAPI
from ninja.security import SessionAuth

from kansrijk.api import api
from kansrijk.audit.api import router as audit_router
from kansrijk.privacy.api import router as privacy_router
from kansrijk.urls import urlpatterns as root

mounted = {id(router) for _prefix, router in api._routers}
extra_api = []
if id(audit_router) not in mounted or id(privacy_router) not in mounted:
    privacy_api = NinjaAPI(auth=SessionAuth(), urls_namespace="privacy-test-api")
    privacy_api._exception_handlers.update(api._exception_handlers)
    privacy_api.add_router("/audit/", audit_router)
    privacy_api.add_router("/privacy/", privacy_router)
    extra_api = [path("api/", privacy_api.urls)]

urlpatterns = [
    *extra_api,
    path("privacy/inzage/", include("kansrijk.privacy.urls")),
    path("privacy/", include("kansrijk.audit.urls")),
    *root,
]
