from django.apps import AppConfig


class ConfidentialityConfig(AppConfig):
    name = "frame.confidentiality"
    label = "confidentiality"
    verbose_name = "The confidentiality register"
