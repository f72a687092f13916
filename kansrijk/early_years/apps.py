from django.apps import AppConfig


class EarlyYearsConfig(AppConfig):
    name = "kansrijk.early_years"
    label = "early_years"
    verbose_name = "Early years"
