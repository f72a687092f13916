from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "kansrijk.safety"
    label = "safety"
    verbose_name = "Safety route"

    def ready(self) -> None:
        from kansrijk.cases.workflow import CLOSING_CHECKS, VEILIG_THUIS_REPORTED
        from kansrijk.safety import relations
        from kansrijk.safety.selectors import closing_refusal, reported_to_veilig_thuis

        relations.register()
        if closing_refusal not in CLOSING_CHECKS:
            CLOSING_CHECKS.append(closing_refusal)
        if reported_to_veilig_thuis not in VEILIG_THUIS_REPORTED:
            VEILIG_THUIS_REPORTED.append(reported_to_veilig_thuis)
