from django.apps import AppConfig


class EndingsConfig(AppConfig):
    name = "frame.endings"
    label = "endings"
    verbose_name = "Planned and unplanned endings, ending letters and retention start dates"

    def ready(self) -> None:
        from frame.endings import panels  # the card's ending section and the brief's countdown

        panels.register_all()
