"""Production settings: `check --deploy` is clean, and unsafe setups refuse to start in plain words.

Each case runs Frame in a fresh subprocess, because settings are read once at import.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from frame.lib.crypto import KeyRing

ROOT = Path(__file__).resolve().parent.parent

# Every silenced system check, and why silencing it is right for Frame. Adding an entry to
# SILENCED_SYSTEM_CHECKS without adding it here (with its reason) fails the test below.
SILENCED_ALLOW_LIST = {
    "security.W021": (
        "HSTS preload is a one-way commitment for a whole domain; each practice decides it."
    ),
}


def _production_env(data_dir: Path, **overrides: str | None) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("FRAME_") and name != "DATABASE_URL"
    }
    env.update(
        FRAME_ENV="production",
        FRAME_SECRET_KEY=secrets.token_urlsafe(50),
        FRAME_ALLOWED_HOSTS="frame.example.org",
        FRAME_BASE_URL="https://frame.example.org",
        FRAME_KEYRING=KeyRing.generate().to_json(),
        FRAME_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="frame.settings",
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _frame(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "frame.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_under_production_settings(tmp_path: Path) -> None:
    result = _frame(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_are_strict(tmp_path: Path) -> None:
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'debug': s.DEBUG, 'hsts': s.SECURE_HSTS_SECONDS, "
        "'subdomains': s.SECURE_HSTS_INCLUDE_SUBDOMAINS, 'ssl': s.SECURE_SSL_REDIRECT, "
        "'silenced': s.SILENCED_SYSTEM_CHECKS, 'session_secure': s.SESSION_COOKIE_SECURE, "
        "'csrf_secure': s.CSRF_COOKIE_SECURE, 'email': s.EMAIL_BACKEND}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    values: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["debug"] is False
    assert values["hsts"] >= 31_536_000
    assert values["subdomains"] is True
    assert values["ssl"] is True
    assert values["session_secure"] is True
    assert values["csrf_secure"] is True
    assert sorted(values["silenced"]) == sorted(SILENCED_ALLOW_LIST)
    assert "console" not in values["email"]  # production never prints email to a log


@pytest.mark.parametrize(
    ("overrides", "variable"),
    [
        ({"FRAME_SECRET_KEY": None}, "FRAME_SECRET_KEY"),
        ({"FRAME_SECRET_KEY": ""}, "FRAME_SECRET_KEY"),
        ({"FRAME_DEBUG": "1"}, "FRAME_DEBUG"),
        ({"FRAME_KEYRING": None}, "FRAME_KEYRING"),
        ({"FRAME_ALLOWED_HOSTS": None}, "FRAME_ALLOWED_HOSTS"),
        ({"FRAME_BASE_URL": "http://frame.example.org"}, "FRAME_BASE_URL"),
    ],
    ids=["no-secret-key", "empty-secret-key", "debug-on", "no-keyring", "no-hosts", "http-url"],
)
def test_production_refuses_to_start_and_names_the_variable(
    tmp_path: Path, overrides: dict[str, str | None], variable: str
) -> None:
    result = _frame(_production_env(tmp_path, **overrides), "check", "--deploy")
    assert result.returncode != 0
    assert variable in result.stderr
    # A configuration mistake gets a sentence to act on, not a stack trace.
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("Frame cannot start:")


def test_a_keyring_that_cannot_be_read_fails_the_startup_checks(tmp_path: Path) -> None:
    env = _production_env(tmp_path, FRAME_KEYRING='{"primary": "k1", "keys": {}}')
    result = _frame(env, "check", "--deploy")
    assert result.returncode != 0
    assert "frame.E002" in result.stderr


def test_silenced_checks_match_the_documented_allow_list() -> None:
    assert sorted(settings.SILENCED_SYSTEM_CHECKS) == sorted(SILENCED_ALLOW_LIST)
    lines = (ROOT / "frame" / "settings.py").read_text().splitlines()
    for check_id in SILENCED_ALLOW_LIST:
        # The reason sits in a comment just above the entry, where the next person will read it.
        index = next(i for i, line in enumerate(lines) if f'"{check_id}"' in line)
        assert lines[index - 1].strip().startswith("#"), f"{check_id} needs a comment saying why"
