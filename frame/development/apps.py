from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "frame.development"
    label = "development"
    verbose_name = "Reflective journal and CPD record"
