"""The management site: Django's admin for the functional administrator only.

Who may enter: a signed-in professional with the administrator role whose session holds a
second factor. Everyone else gets the same 404 as for a page that does not exist (house rule:
a forbidden page and a missing one answer alike). There is no login page of its own: the
admin's login URL sends to Kansrijk's login with its second step."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from kansrijk.access.roles import Role


def is_administrator(request: HttpRequest) -> bool:
    from kansrijk.access.policies import roles_of
    from kansrijk.accounts.middleware import is_verified

    user = request.user
    return bool(
        user.is_authenticated
        and user.is_active
        and is_verified(user)
        and Role.ADMINISTRATOR in roles_of(user)
    )


#: The names the management area shows for the apps whose models it holds (their own
#: verbose names are internal and in English); set when the app registry is ready.
APP_NAMES = {
    "core": _("Organisations and people"),
    "roster": _("Roster"),
    "safety": _("Childcare"),
    "early_years": _("Childcare signals"),
}


class ManagementSite(admin.AdminSite):
    site_header = _("Kansrijk management")
    site_title = _("Kansrijk management")
    index_title = _("Reference data and people")
    site_url = "/"
    enable_nav_sidebar = False

    def has_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def gate(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated and not self.has_permission(request):
                raise Http404
            return inner(request, *args, **kwargs)

        return gate

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """No password-only door: Kansrijk's own login, with the second factor."""
        next_to = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(next_to, reverse("core:login"))

    def get_urls(self) -> list[URLPattern]:  # type: ignore[override]
        extra = [path("retention/", self.admin_view(self.retention), name="retention")]
        return extra + super().get_urls()

    def retention(self, request: HttpRequest) -> HttpResponse:
        """The retention terms, read-only, with their legal source (privacy.retention)."""
        from kansrijk.privacy.retention import TERMS

        context = {
            **self.each_context(request),
            "title": _("Retention terms"),
            "terms": list(TERMS.values()),
        }
        return render(request, "administration/retention.html", context)

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[Any]:
        apps = super().get_app_list(request, app_label)
        if app_label is None:
            apps.append(
                {
                    "name": _("Privacy"),
                    "app_label": "privacy",
                    "app_url": reverse("admin:retention", current_app=self.name),
                    "has_module_perms": True,
                    "models": [
                        {
                            "name": _("Retention terms"),
                            "object_name": "RetentionTerm",
                            "admin_url": reverse("admin:retention", current_app=self.name),
                            "add_url": None,
                            "view_only": True,
                            "perms": {"view": True},
                        }
                    ],
                }
            )
        return apps
