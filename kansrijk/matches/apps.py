from django.apps import AppConfig


class MatchesConfig(AppConfig):
    name = "kansrijk.matches"
    label = "matches"
    verbose_name = "Match register"

    def ready(self) -> None:
        from kansrijk.matches import checks, hooks  # noqa: F401  (register the check and hooks)
