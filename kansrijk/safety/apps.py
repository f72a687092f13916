from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "kansrijk.safety"
    label = "safety"
    verbose_name = "Safety route"

    def ready(self) -> None:
        from kansrijk.safety import relations

        relations.register()
