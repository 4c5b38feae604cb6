from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "frame.outcomes"
    label = "outcomes"
    verbose_name = "Service outcome reports and FHIR R4 export"

    def ready(self) -> None:
        from frame.outcomes import panels  # the client card's outcome section

        panels.register_all()
