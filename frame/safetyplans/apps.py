from django.apps import AppConfig


class SafetyPlansConfig(AppConfig):
    name = "frame.safetyplans"
    label = "safetyplans"
    verbose_name = "Safety plans built with the client"

    def ready(self) -> None:
        from frame.safetyplans import panels  # card section, home panel, portal home panel

        panels.register_all()
