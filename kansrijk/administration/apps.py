from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdministrationConfig(AppConfig):
    """The functional administrator's management area (Django's admin, at /beheer/)."""

    name = "kansrijk.administration"
    label = "administration"
    verbose_name = _("Management")

    def ready(self) -> None:
        from django.apps import apps

        from kansrijk.administration import admin  # noqa: F401  (registers the managed models)
        from kansrijk.administration.site import APP_NAMES

        for label, name in APP_NAMES.items():  # headings and breadcrumbs, in Dutch
            apps.get_app_config(label).verbose_name = name
