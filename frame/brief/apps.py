from django.apps import AppConfig


class BriefConfig(AppConfig):
    name = "frame.brief"
    label = "brief"
    verbose_name = 'The "before we meet" brief'

    def ready(self) -> None:
        from frame.brief import content, panels  # the brief's own sections; its ways in

        content.register_all()
        panels.register_all()
