from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "frame.development"
    label = "development"
    verbose_name = "Reflective journal and CPD record"

    def ready(self) -> None:
        from frame.development.panels import register_all  # the client card's journal note

        register_all()
