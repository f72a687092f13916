from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "kansrijk.clients"
    label = "clients"
    verbose_name = "Partner systems"
