from django.apps import AppConfig


class ThreadsConfig(AppConfig):
    name = "kansrijk.threads"
    label = "threads"
    verbose_name = "Case threads"
