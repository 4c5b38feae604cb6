from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "frame.audit"
    label = "audit"
    verbose_name = "Audit trail"
