from django.apps import AppConfig


class DyslexiaConfig(AppConfig):
    name = "kansrijk.dyslexia"
    label = "dyslexia"
    verbose_name = "Dyslexia gatekeeper"
