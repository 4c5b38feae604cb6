"""A client's history for brief tests: held sessions with signed notes, and the next session.

Everything goes through the apps' own actions, so the brief reads what real use would store.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from frame.notes import actions as notes
from frame.notes.actions import DEFAULT_HEADINGS
from frame.scheduling import actions as scheduling
from frame.scheduling.models import Appointment


def note_sections(
    *, brought: str = "", themes: str = "", words: str = "", did: str = "", plan: str = ""
) -> list[tuple[str, str]]:
    """A note under the default headings (see frame.notes.actions.DEFAULT_HEADINGS)."""
    return list(zip(DEFAULT_HEADINGS, [brought, themes, words, did, plan], strict=True))


def held_session(
    client: Any,
    by: Any,
    *,
    days_ago: int,
    kind: str = "session",
    sections: list[tuple[str, str]] | None = None,
    sign: bool = True,
    hour: int = 15,
) -> Appointment:
    """A session `days_ago` days back, marked attended, with a note (signed unless told not)."""
    appointment = scheduling.book_appointment(
        by=by,
        client=client,
        practitioner=by,
        day=timezone.localdate() - dt.timedelta(days=days_ago),
        time=dt.time(hour, 0),
        duration_minutes=50,
        kind=kind,
    )
    scheduling.record_attendance(by=by, appointment=appointment, outcome="attended")
    if sections is not None:
        notes.save_draft(appointment=appointment, sections=sections, risk_noted=False, by=by)
        if sign:
            notes.sign_note(appointment=appointment, by=by)
    return Appointment.objects.get(pk=appointment.pk)


def next_session(client: Any, by: Any, *, days_ahead: int = 7, hour: int = 10) -> Appointment:
    return scheduling.book_appointment(
        by=by,
        client=client,
        practitioner=by,
        day=timezone.localdate() + dt.timedelta(days=days_ahead),
        time=dt.time(hour, 0),
        duration_minutes=50,
    )


def history(
    client: Any, by: Any, sessions: int, *, first_days_ago: int | None = None, hour: int = 15
) -> None:
    """`sessions` weekly held sessions, each with a signed note and an addendum."""
    start = first_days_ago if first_days_ago is not None else 7 * sessions
    for n in range(sessions):
        appointment = held_session(
            client,
            by,
            days_ago=start - 7 * n,
            hour=hour,
            sections=note_sections(
                brought=f"Session {n}: work and sleep.",
                themes="grief; work stress",
                words=f"I am allowed to rest ({n})",
                plan=f"Keep the sleep diary ({n})",
            ),
        )
        notes.add_addendum(appointment=appointment, text=f"Rang after session {n}.", by=by)
