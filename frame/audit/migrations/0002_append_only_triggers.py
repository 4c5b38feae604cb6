"""Database triggers that make the audit table append-only, on SQLite and on PostgreSQL.

See frame/audit/maintenance.py for the one way past them. On SQLite, Django rebuilds a table to
alter it and the rebuild drops its triggers: a later migration that alters AuditEvent must
re-create them (tests/audit/test_triggers.py checks they exist after migrate).
"""

from django.db import migrations

SQLITE_CREATE = [
    """
    CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
    WHEN frame_audit_unlocked() IS NOT 1
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE is not allowed'); END
    """,
    """
    CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
    WHEN frame_audit_unlocked() IS NOT 1
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE is not allowed'); END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
]

POSTGRES_CREATE = [
    """
    CREATE OR REPLACE FUNCTION frame_audit_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF current_setting('frame.audit_unlock', true) = 'on' THEN
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NEW;  -- NULL for TRUNCATE, whose result is ignored
        END IF;
        RAISE EXCEPTION 'audit events are append-only: % is not allowed', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_auditevent_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION frame_audit_append_only()
    """,
    """
    CREATE TRIGGER audit_auditevent_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION frame_audit_append_only()
    """,
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update_delete ON audit_auditevent",
    "DROP FUNCTION IF EXISTS frame_audit_append_only()",
]


def _run(schema_editor, statements_by_vendor):
    vendor = schema_editor.connection.vendor
    if vendor not in statements_by_vendor:
        raise RuntimeError(f"Frame has no append-only audit triggers for {vendor}.")
    for statement in statements_by_vendor[vendor]:
        schema_editor.execute(statement, params=None)


def create_triggers(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE})


def drop_triggers(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
