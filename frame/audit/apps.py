from django.apps import AppConfig
from django.db import connections
from django.db.backends.signals import connection_created


class AuditConfig(AppConfig):
    name = "frame.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from frame.audit.maintenance import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="frame_audit_sqlite")
        # A connection opened before the apps were ready never saw the signal.
        for connection in connections.all(initialized_only=True):
            if connection.connection is not None:
                register_sqlite_function(sender=type(connection), connection=connection)
