from django.apps import AppConfig


class HomeworkConfig(AppConfig):
    name = "kansrijk.homework"
    label = "homework"
    verbose_name = "Homework support"
