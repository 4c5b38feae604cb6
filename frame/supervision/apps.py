from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "frame.supervision"
    label = "supervision"
    verbose_name = "Supervision log, cases discussed, preparation packs and supervisor access"
