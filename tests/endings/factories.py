"""Diary rows for endings tests: held and booked sessions, written directly (no booking rules)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from frame.scheduling.models import Appointment, Kind, Status


def session(
    client: Any,
    practitioner: Any,
    *,
    days_from_now: int,
    status: str = Status.ATTENDED,
    kind: str = Kind.SESSION,
) -> Appointment:
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=days_from_now)
    return Appointment.objects.create(
        practice_id=client.practice_id,
        client=client,
        practitioner=practitioner,
        kind=kind,
        status=status,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=50),
        created_by=practitioner,
    )
