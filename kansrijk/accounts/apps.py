from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kansrijk.accounts"
    label = "accounts"
    verbose_name = "Kansrijk accounts"

    def ready(self) -> None:
        from kansrijk.accounts import signals  # noqa: F401  (session start, lockouts in the log)
