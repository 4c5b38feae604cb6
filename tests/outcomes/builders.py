"""Quick ways to give a client a course of care: attended sessions and PHQ-9/GAD-7 totals.

Rows are written directly (not through the booking and scoring actions) so a test can build
dozens of episodes quickly; the outcome code only reads them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from frame.clients.models import Status
from frame.measures.models import Administration, Mode
from frame.scheduling.models import Appointment, Kind
from frame.scheduling.models import Status as Attendance
from tests.factories import CareTeamMemberFactory, ClientFactory


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def session(
    client: Any,
    practitioner: Any,
    day: dt.date,
    *,
    status: str = Attendance.ATTENDED,
    kind: str = Kind.SESSION,
    hour: int = 10,
) -> Appointment:
    start = at(day, hour)
    return Appointment.objects.create(
        practice_id=client.practice_id,
        client=client,
        practitioner=practitioner,
        kind=kind,
        status=status,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=50),
        created_by=practitioner,
    )


def score(
    client: Any,
    practitioner: Any,
    instrument: str,
    day: dt.date,
    total: int | None,
    *,
    recorded_at: dt.datetime | None = None,
) -> Administration:
    """A stored administration with the given total (None: too much missing, no total)."""
    items = 9 if instrument == "phq9" else 7
    return Administration.objects.create(
        client=client,
        instrument=instrument,
        instrument_version="1.0",
        scoring_version="1",
        mode=Mode.IN_SESSION,
        completed_on=day,
        answers=[0] * items,
        valid=total is not None,
        total=None if total is None else Decimal(total),
        recorded_at=recorded_at or timezone.now(),
        recorded_by=practitioner,
    )


def pair(client: Any, practitioner: Any, day: dt.date, phq9: int, gad7: int) -> None:
    score(client, practitioner, "phq9", day, phq9)
    score(client, practitioner, "gad7", day, gad7)


def ended_client(practice: Any, practitioner: Any, **extra: Any) -> Any:
    client = ClientFactory(practice=practice, created_by=practitioner, status=Status.ENDED, **extra)
    CareTeamMemberFactory(client=client, user=practitioner)
    return client


def course(
    practice: Any,
    practitioner: Any,
    *,
    first: dt.date,
    sessions: int,
    start_scores: tuple[int, int] | None,
    end_scores: tuple[int, int] | None,
    status: str = Status.ENDED,
) -> Any:
    """A client with weekly attended sessions from `first`, paired scores at the first and last
    session (when given), and the given status."""
    client = ended_client(practice, practitioner)
    if status != Status.ENDED:
        client.status = status
        client.save(update_fields=["status"])
    days = [first + dt.timedelta(weeks=n) for n in range(sessions)]
    for day in days:
        session(client, practitioner, day)
    if start_scores is not None:
        pair(client, practitioner, first, *start_scores)
    if end_scores is not None:
        pair(client, practitioner, days[-1] if days else first, *end_scores)
    return client
