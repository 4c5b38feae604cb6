from django.apps import AppConfig


class ConfidentialityConfig(AppConfig):
    name = "frame.confidentiality"
    label = "confidentiality"
    verbose_name = "The confidentiality register"

    def ready(self) -> None:
        from frame.confidentiality.panels import register_all  # the client card's section

        register_all()
