from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "kansrijk.safety"
    label = "safety"
    verbose_name = "Safety route"
