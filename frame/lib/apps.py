from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "frame.lib"
    label = "lib"
    verbose_name = "Frame library"

    def ready(self) -> None:
        from frame import checks  # noqa: F401  (registers the frame.E0xx startup checks)
