from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "kansrijk.consent"
    label = "consent"
    verbose_name = "Consent"
