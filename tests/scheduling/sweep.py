"""Diary records for the project-wide URL and header sweeps: one appointment, one break.

Each call returns the same record, so a sweep asking once per route builds only one of each.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from frame.scheduling import actions
from frame.scheduling.models import Appointment, PlannedBreak


def sweep_appointment(client: Any, practitioner: Any) -> Appointment:
    found = Appointment.objects.filter(client=client, practitioner=practitioner).first()
    if found is not None:
        return found
    return actions.book_appointment(
        by=practitioner,
        client=client,
        practitioner=practitioner,
        day=timezone.localdate() + dt.timedelta(days=7),
        time=dt.time(10, 0),
        duration_minutes=50,
    )


def sweep_break(practitioner: Any) -> PlannedBreak:
    found = PlannedBreak.objects.filter(practitioner=practitioner).first()
    if found is not None:
        return found
    start = timezone.localdate() + dt.timedelta(weeks=10)
    return actions.plan_break(
        by=practitioner,
        practitioner=practitioner,
        first_day=start,
        last_day=start + dt.timedelta(days=4),
    ).planned_break
