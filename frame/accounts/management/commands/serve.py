"""`frame serve`: run Frame with gunicorn, printing the one-time setup link on a new install."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.management.base import BaseCommand

from frame.accounts import actions
from frame.accounts.models import User

WORKERS = 2


class Writable(Protocol):
    def write(self, text: str, /) -> Any: ...
    def flush(self) -> Any: ...


def announce_setup_link(out: Writable) -> str | None:
    """With nobody signed up yet, print a fresh one-time setup link and return it.

    Any earlier unused link stops working, so only the newest printout is ever valid. Once an
    account exists this prints nothing: the setup page is closed for good.
    """
    if User.objects.exists():
        return None
    link = actions.setup_link(actions.issue_setup_token())
    hours = settings.FRAME_SETUP_LINK_HOURS
    rule = "─" * 72
    out.write(
        f"\n{rule}\n"
        "  Welcome to Frame. Nobody has an account here yet.\n\n"
        "  Open this link in your browser to set up your practice and your own account:\n\n"
        f"      {link}\n\n"
        f"  It works once, and only for the next {hours} hours. Running `frame serve` again\n"
        "  prints a new link and retires this one. Keep it to yourself: whoever opens it\n"
        "  first becomes the practice's owner.\n\n"
        f"  Your data lives in:  {settings.DATA_DIR}\n"
        "  Back up that whole folder regularly: it holds the database AND the encryption\n"
        "  keys. A backup of one without the other cannot be read.\n"
        f"{rule}\n\n"
    )
    out.flush()
    return link


def gunicorn_command() -> list[str]:
    bind = os.environ.get("FRAME_BIND") or f"127.0.0.1:{os.environ.get('PORT') or 8000}"
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    return [gunicorn, "frame.wsgi:application", "--bind", bind, "--workers", str(WORKERS)]


def worker_command(parent_pid: int) -> list[str]:
    """`frame worker`, told to stop once the server (which keeps this process id) has gone."""
    frame = str(Path(sys.executable).with_name("frame"))
    return [frame, "worker", "--parent-pid", str(parent_pid)]


class Command(BaseCommand):
    help = "Serve Frame with gunicorn and the background worker; print the setup link if new."

    def handle(self, *args: Any, **options: Any) -> None:
        announce_setup_link(self.stdout)
        # The background worker (reminders and the like) runs beside the server; gunicorn takes
        # over this process id, and the worker stops when that process ends.
        subprocess.Popen(worker_command(os.getpid()))  # noqa: S603 (our own fixed command)
        command = gunicorn_command()
        self.stdout.write(f"Starting Frame on {command[3]} (press Ctrl+C to stop).")
        self.stdout.flush()
        os.execvp(command[0], command)  # noqa: S606 (replaces this process with the server)
