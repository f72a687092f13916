from django.apps import AppConfig

from kansrijk.core import choices

choices.connect()  # before the models are imported (Django imports every app config first)


class CoreConfig(AppConfig):
    name = "kansrijk.core"
    label = "core"
    verbose_name = "Kansrijk core"

    def ready(self) -> None:
        from kansrijk.core import signals  # noqa: F401  (connects the login receivers)
