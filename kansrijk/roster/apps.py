from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "kansrijk.roster"
    label = "roster"
    verbose_name = "Roster"
