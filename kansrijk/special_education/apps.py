from django.apps import AppConfig


class SpecialEducationConfig(AppConfig):
    name = "kansrijk.special_education"
    label = "special_education"
    verbose_name = "Special education"
