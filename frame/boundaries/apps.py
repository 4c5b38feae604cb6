from django.apps import AppConfig


class BoundariesConfig(AppConfig):
    name = "frame.boundaries"
    label = "boundaries"
    verbose_name = "Boundaries and dual relationships"

    def ready(self) -> None:
        # The card sections, the home panel and the listener that screens enquiries.
        from frame.boundaries.panels import register_all
        from frame.boundaries.screening import connect

        register_all()
        connect()
