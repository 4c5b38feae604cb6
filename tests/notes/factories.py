from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from frame.notes import actions
from frame.scheduling import actions as scheduling


def notes_for_sessions(client: Any, practitioner: Any, count: int, *, start_week: int = 0) -> None:
    """`count` weekly sessions, each with a signed note and one addendum."""
    for week in range(start_week, start_week + count):
        appointment = scheduling.book_appointment(
            by=practitioner,
            client=client,
            practitioner=practitioner,
            day=timezone.localdate() - dt.timedelta(weeks=week + 1),
            time=dt.time(15, 0),
            duration_minutes=50,
        )
        actions.save_draft(
            appointment=appointment,
            sections=[("What the client brought", f"Session {week}")],
            risk_noted=False,
            by=practitioner,
        )
        actions.sign_note(appointment=appointment, by=practitioner)
        actions.add_addendum(appointment=appointment, text="Later thought.", by=practitioner)
