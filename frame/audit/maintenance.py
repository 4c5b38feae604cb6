"""The one, deliberate way past the audit table's append-only triggers.

Migration 0002 installs database triggers that refuse UPDATE and DELETE (and TRUNCATE on
PostgreSQL) on `audit_auditevent`. The triggers let a change through only while this module says
so for the current connection:

- SQLite asks the SQL function `frame_audit_unlocked()`, which Frame registers on every connection
  and which returns 1 only inside `audit_unlocked()`. A connection that never registered it (the
  `sqlite3` shell, another program) gets "no such function", which blocks the change just the same.
- PostgreSQL reads the setting `frame.audit_unlock`, which `audit_unlocked()` sets with SET LOCAL,
  so it ends with the transaction at the latest.

This guards against mistakes and against code that should never touch the trail; it is not a
defence against someone holding the database's own credentials. The hash chain and the exported
head (`frame audit verify`) are what make such tampering visible.

The only legitimate caller today is the test suite, whose transactional tests empty every table
between tests.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

SQLITE_FUNCTION = "frame_audit_unlocked"
POSTGRES_SETTING = "frame.audit_unlock"
_FLAG = "_frame_audit_unlocked"


def register_sqlite_function(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """`connection_created` receiver: give each new SQLite connection `frame_audit_unlocked()`."""
    if connection.vendor != "sqlite":
        return

    def unlocked() -> int:
        # Django connections belong to one thread, so the flag is per connection and per thread.
        return 1 if getattr(connection, _FLAG, False) else 0

    connection.connection.create_function(SQLITE_FUNCTION, 0, unlocked)


@contextlib.contextmanager
def audit_unlocked(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Let UPDATE, DELETE and TRUNCATE through the audit triggers on this connection, briefly."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        previous = getattr(connection, _FLAG, False)
        setattr(connection, _FLAG, True)
        try:
            yield
        finally:
            setattr(connection, _FLAG, previous)
    elif connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [POSTGRES_SETTING])
            yield
            # Inside an outer transaction SET LOCAL would outlive this block; end it here.
            # (On an exception the savepoint rollback undoes the setting instead.)
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'off', true)", [POSTGRES_SETTING])
    else:
        raise NotImplementedError(f"No audit triggers are defined for {connection.vendor}.")
