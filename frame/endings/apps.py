from django.apps import AppConfig


class EndingsConfig(AppConfig):
    name = "frame.endings"
    label = "endings"
    verbose_name = "Planned and unplanned endings, ending letters and retention start dates"
