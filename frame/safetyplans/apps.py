from django.apps import AppConfig


class SafetyPlansConfig(AppConfig):
    name = "frame.safetyplans"
    label = "safetyplans"
    verbose_name = "Safety plans built with the client"
