from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "frame.portal"
    label = "portal"
    verbose_name = "Client portal"

    def ready(self) -> None:
        from frame.portal import registrations

        registrations.register_all()
