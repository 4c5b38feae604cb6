"""`frame sendflagreminders`: email the care team about risk flags still unacknowledged, once.

Safe to run as often as you like (from cron, say, every fifteen minutes): each flag gets one
reminder per period of the practice's setting, and a failed email is tried again next time.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from frame.safety.reminders import send_flag_reminders


class Command(BaseCommand):
    help = "Email reminders about risk flags nobody has acknowledged yet."

    def handle(self, *args: Any, **options: Any) -> None:
        run = send_flag_reminders()
        self.stdout.write(
            f"Risk flag reminders: {run.sent} sent, {run.due} newly due, {run.failed} failed."
        )
