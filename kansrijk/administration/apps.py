from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdministrationConfig(AppConfig):
    """The functional administrator's management area (Django's admin, at /beheer/)."""

    name = "kansrijk.administration"
    label = "administration"
    verbose_name = _("Management")

    def ready(self) -> None:
        from kansrijk.administration import admin  # noqa: F401  (registers the managed models)
