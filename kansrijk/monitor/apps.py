from django.apps import AppConfig


class MonitorConfig(AppConfig):
    name = "kansrijk.monitor"
    label = "monitor"
    verbose_name = "Monitor"
