"""SQLite under concurrent writers: the settings Frame relies on, and no lost or refused updates.

These run against a real database file in a child process, whatever database the rest of the suite
uses: a laptop install of Frame is always SQLite.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.concurrency.filedb import run_task

PROCESSES = 8
TRANSACTIONS = 100


def test_a_fresh_connection_has_the_pragmas_frame_relies_on(tmp_path: Path) -> None:
    pragmas = run_task(tmp_path, "pragmas")
    assert pragmas["database"] == str(tmp_path / "frame.sqlite3")
    assert pragmas["journal_mode"] == "wal"
    assert pragmas["synchronous"] == 2  # FULL: a commit survives a power cut
    assert pragmas["foreign_keys"] == 1
    assert pragmas["busy_timeout"] >= 5000  # milliseconds a writer waits for the lock
    assert pragmas["transaction_mode"] == "IMMEDIATE"


@pytest.mark.slow
@pytest.mark.xdist_group("concurrency")
def test_read_modify_write_from_eight_processes_loses_nothing(tmp_path: Path) -> None:
    result = run_task(tmp_path, "counter", str(PROCESSES), str(TRANSACTIONS), "IMMEDIATE")
    outcomes = result["outcomes"]
    assert [o for o in outcomes if "crash" in o] == []
    assert sum(o["locked"] for o in outcomes) == 0  # no "database is locked"
    assert [e for o in outcomes for e in o["other"]] == []
    assert result["final"] == PROCESSES * TRANSACTIONS  # no lost update


@pytest.mark.slow
@pytest.mark.xdist_group("concurrency")
def test_the_same_run_with_deferred_transactions_does_fail(tmp_path: Path) -> None:
    # A guard on the test above: with SQLite's default DEFERRED mode, a transaction that read
    # before another process wrote cannot upgrade to a write, and SQLite reports "database is
    # locked" at once, without waiting. If this stopped failing, the test above would prove nothing.
    result = run_task(tmp_path, "counter", str(PROCESSES), str(TRANSACTIONS), "DEFERRED")
    outcomes = result["outcomes"]
    assert [o for o in outcomes if "crash" in o] == []
    locked = sum(o["locked"] for o in outcomes)
    assert locked > 0
    assert result["final"] == PROCESSES * TRANSACTIONS - locked  # refused, never silently lost
