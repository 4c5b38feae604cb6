from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "frame.supervision"
    label = "supervision"
    verbose_name = "Supervision log, cases discussed, preparation packs and supervisor access"

    def ready(self) -> None:
        # The card's reminders of actions from supervision, and the home panel.
        from frame.supervision.panels import register_all

        register_all()
