from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "frame.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling and the rhythm of the work"
