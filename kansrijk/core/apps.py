from django.apps import AppConfig

from kansrijk.core import choices

choices.connect()  # before the models are imported (Django imports every app config first)


class CoreConfig(AppConfig):
    name = "kansrijk.core"
    label = "core"
    verbose_name = "Kansrijk core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from kansrijk import pg_binary
        from kansrijk.core import pg_timestamps, signals  # noqa: F401  (signals: login receivers)

        connection_created.connect(pg_timestamps.register, dispatch_uid="kansrijk.pg_timestamps")
        connection_created.connect(pg_binary.register, dispatch_uid="kansrijk.pg_binary")
