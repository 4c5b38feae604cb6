from django.apps import AppConfig


class BriefConfig(AppConfig):
    name = "frame.brief"
    label = "brief"
    verbose_name = 'The "before we meet" brief'
