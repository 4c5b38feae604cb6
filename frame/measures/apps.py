from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "frame.measures"
    label = "measures"
    verbose_name = "Outcome and alliance measures"

    def ready(self) -> None:
        from frame.measures import panels  # the card sections and the home panel for risk alerts

        panels.register_all()
