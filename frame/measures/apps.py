from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "frame.measures"
    label = "measures"
    verbose_name = "Outcome and alliance measures"

    def ready(self) -> None:
        from frame.measures import panels  # the questionnaires card section (risk: frame.safety)

        panels.register_all()

        from frame.measures import progress_panels  # portal home: questionnaires, shared charts

        progress_panels.register_all()

        from frame.measures.tasks import EVERY, send_scheduled_questionnaires
        from frame.scheduling import tasks

        tasks.register(
            tasks.Periodic(
                "send_questionnaires",
                send_scheduled_questionnaires,
                EVERY,
                "Sending scheduled questionnaires to clients' portals",
            )
        )
