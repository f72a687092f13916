from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "kansrijk.privacy"
    label = "privacy"
    verbose_name = "Privacy: retention and inzage"
