from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "frame.measures"
    label = "measures"
    verbose_name = "Outcome and alliance measures"
