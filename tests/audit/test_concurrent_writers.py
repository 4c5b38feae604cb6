"""Fifty writers appending at once leave one contiguous, valid chain."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from frame.audit import chain
from frame.audit.actions import record
from frame.audit.models import Action, AuditEvent
from tests.concurrency.filedb import run_frame, run_task

WRITERS = 50
EACH = 4


@pytest.mark.slow
@pytest.mark.xdist_group("concurrency")
@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a server database")
def test_fifty_threads_on_postgres_leave_a_valid_chain(transactional_db: Any) -> None:
    barrier = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def writer(index: int) -> None:
        try:
            barrier.wait(timeout=60)
            for n in range(EACH):
                record(action=Action.CLIENT_VIEWED, client=f"c-{index}", detail={"n": n})
        except BaseException as error:  # reported below, with the others
            failures.append(error)
        finally:
            connection.close()  # each thread has its own connection; give it back

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, WRITERS * EACH + 1))
    result = chain.verify()
    assert result.intact, result.problem
    assert result.events == WRITERS * EACH


@pytest.mark.slow
@pytest.mark.xdist_group("concurrency")
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite file test runs on SQLite")
def test_fifty_processes_on_a_sqlite_file_leave_a_valid_chain(tmp_path: Path) -> None:
    outcomes = run_task(tmp_path, "audit-writers", str(WRITERS), str(EACH))["outcomes"]

    assert [o for o in outcomes if "crash" in o] == []
    written = sorted(seq for o in outcomes for seq in o["written"])
    assert written == list(range(1, WRITERS * EACH + 1))  # every append got its own seq

    database = sqlite3.connect(tmp_path / "frame.sqlite3")
    try:
        count, first, last = database.execute(
            "SELECT count(*), min(seq), max(seq) FROM audit_auditevent"
        ).fetchone()
    finally:
        database.close()
    assert (count, first, last) == (WRITERS * EACH, 1, WRITERS * EACH)

    verified = run_frame(tmp_path, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert f"Audit trail intact: {WRITERS * EACH} events" in verified.stdout
