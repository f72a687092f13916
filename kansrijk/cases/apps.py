from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "kansrijk.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from kansrijk.cases import relations

        relations.register()
