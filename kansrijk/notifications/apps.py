from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "kansrijk.notifications"
    label = "notifications"
    verbose_name = "Notifications"
