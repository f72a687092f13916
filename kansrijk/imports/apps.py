from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "kansrijk.imports"
    label = "imports"
    verbose_name = "Imports"
