"""`frame sendquestionnaires`: send the scheduled questionnaires that are due, once.

Safe to run as often as you like (from cron, say, every fifteen minutes): each schedule sends one
questionnaire per coming appointment, however many times this runs.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from frame.measures.schedules import send_due


class Command(BaseCommand):
    help = "Put scheduled questionnaires in clients' portals before their coming appointments."

    def handle(self, *args: Any, **options: Any) -> None:
        run = send_due()
        self.stdout.write(f"Questionnaires: {run.sent} sent, {run.skipped} not sent.")
