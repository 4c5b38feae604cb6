from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "frame.outcomes"
    label = "outcomes"
    verbose_name = "Service outcome reports and FHIR R4 export"
