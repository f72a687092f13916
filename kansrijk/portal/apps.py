from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "kansrijk.portal"
    label = "portal"
    verbose_name = "Family portal"
