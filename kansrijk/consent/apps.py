from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "kansrijk.consent"
    label = "consent"
    verbose_name = "Consent"

    def ready(self) -> None:
        from kansrijk.access.registry import register_sharing
        from kansrijk.consent.selectors import sharing_condition

        register_sharing(sharing_condition)
