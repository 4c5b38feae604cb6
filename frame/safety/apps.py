from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "frame.safety"
    label = "safety"
    verbose_name = "Risk flags, assessments and the confidentiality register"
