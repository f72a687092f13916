from django.apps import AppConfig


class AttentionConfig(AppConfig):
    name = "kansrijk.attention"
    label = "attention"
    verbose_name = "Attention list"
