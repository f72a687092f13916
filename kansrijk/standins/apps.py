from django.apps import AppConfig


class StandInsConfig(AppConfig):
    name = "kansrijk.standins"
    label = "standins"
    verbose_name = "Stand-ins"

    def ready(self) -> None:
        from kansrijk.standins import relations

        relations.register()
