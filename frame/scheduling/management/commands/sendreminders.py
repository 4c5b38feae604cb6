"""`frame sendreminders`: send the appointment reminders that are due, once.

Safe to run as often as you like (from cron, say, every five minutes): each reminder is sent once,
and failed ones are tried again with back-off.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from frame.scheduling.reminders import describe, send_due_reminders


class Command(BaseCommand):
    help = "Send the appointment reminders that are due, and retry earlier failures."

    def handle(self, *args: Any, **options: Any) -> None:
        run = describe(send_due_reminders())
        self.stdout.write(
            "Reminders: {sent} sent, {skipped} not needed, {retrying} to try again, "
            "{failed} failed.".format(**run)
        )
