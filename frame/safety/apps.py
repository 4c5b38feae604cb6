from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "frame.safety"
    label = "safety"
    verbose_name = "Risk flags, assessments and the confidentiality register"

    def ready(self) -> None:
        from frame.clients.signals import risk_acknowledged, risk_indicated
        from frame.safety import panels, receivers

        # A strong reference with a fixed uid: connected once, however often ready() runs.
        risk_indicated.connect(
            receivers.raise_flag_on_risk, dispatch_uid="safety.raise_flag_on_risk"
        )
        risk_acknowledged.connect(
            receivers.acknowledge_flag_with_alert, dispatch_uid="safety.acknowledge_flag_with_alert"
        )
        panels.register_all()

        from frame.safety.tasks import EVERY, send_flag_reminders
        from frame.scheduling import tasks

        tasks.register(
            tasks.Periodic(
                "send_flag_reminders",
                send_flag_reminders,
                EVERY,
                "Emailing reminders about risk flags not yet acknowledged",
            )
        )
