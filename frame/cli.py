"""The `frame` command: Django's management commands under Frame's name.

frame serve            run Frame with gunicorn (prints the setup link on a new install)
frame worker           (later) run background tasks
frame demo             load a fictional demo practice
frame seed             build a large synthetic practice for benchmarks
frame audit verify     check the audit trail's hash chain
frame keys rotate      add a new encryption key and re-encrypt everything with it
frame createpractice   create a practice and its owner from the command line
frame <django command> e.g. frame migrate, frame check --deploy
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frame.settings")
    # Everything Frame writes (database, WAL, keys, uploads) is readable by this user alone.
    os.umask(0o077)
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018  (loads settings.py, which refuses unsafe production setups)
    except ImproperlyConfigured as error:
        # A missing secret is a configuration mistake, not a crash: say what to set, no traceback.
        sys.exit(f"Frame cannot start: {error}")
    args = sys.argv[1:] if argv is None else argv
    execute_from_command_line(["frame", *args])


if __name__ == "__main__":
    main()
