"""`frame extendslots`: write open-ended regular slots' sessions a year ahead again.

Safe to run as often as you like (from cron, say, daily): a slot already written a year ahead is
left alone.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from frame.scheduling.actions import extend_open_ended_slots


class Command(BaseCommand):
    help = "Write open-ended regular slots' sessions a year ahead again."

    def handle(self, *args: Any, **options: Any) -> None:
        added = extend_open_ended_slots()
        noun = "session" if added == 1 else "sessions"
        self.stdout.write(f"Regular slots: {added} {noun} added to the diary.")
