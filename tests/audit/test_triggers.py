"""The database itself refuses UPDATE and DELETE (and TRUNCATE on PostgreSQL) on audit events."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from frame.audit.actions import record
from frame.audit.maintenance import audit_unlocked
from frame.audit.models import Action, AuditEvent
from tests.concurrency.filedb import run_frame

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite triggers")
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL triggers")


def raw(sql: str) -> Callable[[], None]:
    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)

    return run


ATTEMPTS = {
    "orm update": lambda: AuditEvent.objects.filter(seq=1).update(outcome="denied"),
    "orm save": lambda: AuditEvent.objects.get(seq=1).save(),
    "orm delete": lambda: AuditEvent.objects.filter(seq=1).delete(),
    "sql update": raw("UPDATE audit_auditevent SET detail = '{}'"),
    "sql delete": raw("DELETE FROM audit_auditevent"),
}


@pytest.fixture
def events(db: Any) -> None:
    record(action=Action.CLIENT_VIEWED, client="c-1", detail={"section": "contact"})
    record(action=Action.CLIENT_VIEWED, client="c-1", detail={"section": "people"})


def assert_refused(attempt: Callable[[], Any]) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        attempt()
    assert AuditEvent.objects.count() == 2
    assert AuditEvent.objects.get(seq=1).outcome == "ok"


@pytest.mark.parametrize("attempt", ATTEMPTS.values(), ids=ATTEMPTS.keys())
def test_changing_or_removing_events_is_refused(events: None, attempt: Callable[[], Any]) -> None:
    assert_refused(attempt)


def test_appending_still_works(events: None) -> None:
    record(action=Action.CLIENT_VIEWED, client="c-1")
    assert AuditEvent.objects.count() == 3


def test_audit_unlocked_lets_changes_through_only_inside_the_block(events: None) -> None:
    with audit_unlocked():
        AuditEvent.objects.filter(seq=2).update(outcome="denied")
    assert AuditEvent.objects.get(seq=2).outcome == "denied"
    assert_refused(ATTEMPTS["orm update"])  # locked again afterwards


def test_an_error_inside_audit_unlocked_leaves_the_table_locked(events: None) -> None:
    with pytest.raises(RuntimeError), audit_unlocked():
        raise RuntimeError("something went wrong mid-maintenance")
    assert_refused(ATTEMPTS["sql delete"])


@on_sqlite
def test_sqlite_triggers_exist_after_migrate(db: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master "
            "WHERE type = 'trigger' AND tbl_name = 'audit_auditevent'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert names == {"audit_auditevent_no_update", "audit_auditevent_no_delete"}


@on_sqlite
def test_sqlite_refuses_programs_that_are_not_frame(tmp_path: Path) -> None:
    # The sqlite3 shell or any other program lacks frame_audit_unlocked(), so the trigger errors.
    assert run_frame(tmp_path, "migrate", "--verbosity", "0").returncode == 0
    assert run_frame(tmp_path, "audit", "verify").returncode == 0  # writes one event
    database = sqlite3.connect(tmp_path / "frame.sqlite3")
    try:
        for statement in ("UPDATE audit_auditevent SET seq = 5", "DELETE FROM audit_auditevent"):
            with pytest.raises(sqlite3.OperationalError, match="frame_audit_unlocked"):
                database.execute(statement)
        assert database.execute("SELECT count(*) FROM audit_auditevent").fetchone() == (1,)
    finally:
        database.close()


@on_postgres
def test_postgres_triggers_exist_after_migrate(db: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger "
            "WHERE tgrelid = 'audit_auditevent'::regclass AND NOT tgisinternal"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert names == {"audit_auditevent_no_update_delete", "audit_auditevent_no_truncate"}


@on_postgres
def test_postgres_refuses_truncate(events: None) -> None:
    assert_refused(raw("TRUNCATE audit_auditevent"))


@on_postgres
def test_postgres_unlock_ends_with_the_block_even_inside_a_transaction(events: None) -> None:
    with transaction.atomic():
        with audit_unlocked():
            AuditEvent.objects.filter(seq=2).update(outcome="denied")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('frame.audit_unlock', true)")
            assert cursor.fetchone()[0] == "off"
        assert_refused(ATTEMPTS["orm update"])
