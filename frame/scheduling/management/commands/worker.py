"""`frame worker`: run background tasks, and queue the periodic ones when their time comes.

It loops: queue whatever periodic task is due (once per period, however many workers run), run
every queued task that is ready, then wait a few seconds. `--once` does one round and stops (for
tests, or to drive it from cron instead). With `--parent-pid` it stops when that process has gone,
so `frame serve` never leaves it behind.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from frame.scheduling.tasks import enqueue_due

INTERVAL_SECONDS = 5.0


class Command(BaseCommand):
    help = "Run background tasks (reminders, regular slots) and queue the periodic ones when due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Do one round, then stop.")
        parser.add_argument("--interval", type=float, default=INTERVAL_SECONDS)
        parser.add_argument("--parent-pid", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        parent: int | None = options["parent_pid"]
        # The queue worker says "starting" and "no more tasks" every round; keep only its warnings.
        logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
        worker = Worker(
            queue_names=["default"],
            interval=1,
            batch=True,  # run what is ready, then come back here to queue periodic tasks
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        if not options["once"]:
            worker.configure_signals()  # Ctrl+C or SIGTERM: finish the running task, then stop
        while True:
            close_old_connections()
            enqueue_due()
            worker.run()
            if options["once"] or not worker.running:
                return
            if parent is not None and os.getppid() != parent:
                self.stderr.write("The server has stopped, so the worker stops too.")
                return
            time.sleep(options["interval"])
