"""Running Frame in a separate process against a real SQLite file in its own data folder.

The test database is in memory (SQLite) or on the PostgreSQL server, so anything that needs real
files — WAL checkpoints, raw bytes on disk, several processes writing at once — runs here instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
# Variables that would point the child at the test run's database, key ring or head file.
_INHERITED_NOT = {"DATABASE_URL", "FRAME_ENV", "FRAME_KEYRING", "FRAME_AUDIT_HEAD_FILE"}


def frame_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _INHERITED_NOT}
    env.update(
        FRAME_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="frame.settings",
        PYTHONPATH=str(REPO),
        FRAME_LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def run_frame(data_dir: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`frame <args>` in a child process using `data_dir`; the caller checks the exit code."""
    return subprocess.run(
        [sys.executable, "-m", "frame.cli", *args],
        cwd=REPO,
        env=frame_env(data_dir),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_task(data_dir: Path, task: str, *args: str, timeout: float = 300) -> dict[str, Any]:
    """Run one task of tests/concurrency/worker.py and return the JSON it prints last."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.concurrency.worker", task, *args],
        cwd=REPO,
        env=frame_env(data_dir),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"worker {task} failed:\n{done.stdout}\n{done.stderr}"
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def start_task(data_dir: Path, task: str, *args: str) -> subprocess.Popen[str]:
    """Start a worker task that talks to the test over stdin and stdout while it runs."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.concurrency.worker", task, *args],
        cwd=REPO,
        env=frame_env(data_dir),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
