"""A canary written to a client's encrypted fields never appears in what the database stores.

Each test also finds an unencrypted marker (the client's family name) in the same bytes, so a scan
that could not see plain text at all would fail rather than pass.
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.concurrency.filedb import start_task
from tests.factories import ClientFactory

PG_DUMP = "/usr/bin/pg_dump"


def files_containing(folder: Path, needle: bytes) -> list[str]:
    return sorted(
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and needle in path.read_bytes()
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite file test runs on SQLite")
def test_canary_is_not_in_the_sqlite_files_after_a_wal_checkpoint(tmp_path: Path) -> None:
    canary = f"CANARY-{uuid.uuid4().hex}"
    marker = f"Plaintextmarker{uuid.uuid4().hex[:10]}"
    worker = start_task(tmp_path, "canary", canary, marker)
    try:
        assert worker.stdout is not None
        line = worker.stdout.readline()
        assert line, worker.stderr.read() if worker.stderr else "worker said nothing"
        result = json.loads(line)
        assert result["read_back"] == [
            f"Referral, revision 1: {canary}",
            f"Safe contact: {canary}",
        ]
        assert result["checkpoint"][0] == 0  # the checkpoint completed

        # The worker still holds its connection, so the -wal and -shm files exist right now.
        names = {p.name for p in tmp_path.iterdir()}
        assert {"frame.sqlite3", "frame.sqlite3-wal", "frame.sqlite3-shm"} <= names
        assert files_containing(tmp_path, canary.encode()) == []
        assert "frame.sqlite3" in files_containing(tmp_path, marker.encode())
    finally:
        worker.communicate("done\n", timeout=60)
    assert worker.returncode == 0

    assert files_containing(tmp_path, canary.encode()) == []  # and after the last connection closed


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL")
def test_canary_is_not_in_a_pg_dump(transactional_db: Any) -> None:
    canary = f"CANARY-{uuid.uuid4().hex}"
    marker = f"Plaintextmarker{uuid.uuid4().hex[:10]}"
    ClientFactory(
        family_name=marker,
        referral_reason=f"Referral: {canary}",
        safe_contact_notes=f"Safe contact: {canary}",
    )  # committed: transactional_db does not wrap the test in a transaction

    db = connection.settings_dict
    command = [PG_DUMP, "--data-only", "--dbname", db["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            command += [option, str(db[key])]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    dump = subprocess.run(command, capture_output=True, env=env, timeout=120, check=True).stdout

    assert marker.encode() in dump
    assert canary.encode() not in dump
