from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "kansrijk.meetings"
    label = "meetings"
    verbose_name = "Meetings"
