"""The data folder and everything in it are private to the person running Frame."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.slow
def test_migrate_creates_a_private_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {**os.environ, "FRAME_DATA_DIR": str(data)}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "frame.cli", "migrate", "--verbosity", "0"], env=env, check=True
    )

    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    files = [p for p in data.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"frame.sqlite3", "secret_key"}
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, f"{path.name} is readable by others"
