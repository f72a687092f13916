from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kansrijk.audit"
    label = "audit"
    verbose_name = "Access log"
