from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "frame.notes"
    label = "notes"
    verbose_name = "Session notes, process notes and goals"

    def ready(self) -> None:
        from frame.notes import panels  # card sections for notes and goals

        panels.register_all()
