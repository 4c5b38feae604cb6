"""Values for the project-wide URL sweeps (test_url_sweep.py and test_security_headers.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from frame.notes import actions
from frame.notes.models import Goal, ProcessNote, SessionNote
from tests.scheduling.sweep import sweep_appointment


def sweep_note_appointment(client: Any, practitioner: Any) -> Any:
    """The sweep's appointment, with a draft note on it, so note pages have something to show."""
    appointment = sweep_appointment(client, practitioner)
    if not SessionNote.objects.filter(appointment=appointment).exists():
        actions.save_draft(
            appointment=appointment,
            sections=[("What the client brought", "Sweep draft")],
            risk_noted=False,
            by=practitioner,
        )
    return appointment


def sweep_process_note(client: Any, practitioner: Any) -> ProcessNote:
    found = ProcessNote.objects.filter(client=client, author=practitioner).first()
    if found is not None:
        return found
    return actions.save_process_note(client=client, text="Sweep reflection", by=practitioner)


def sweep_goal(client: Any, practitioner: Any) -> Goal:
    found = Goal.objects.filter(client=client).first()
    if found is not None:
        return found
    return actions.add_goal(
        client=client,
        words="Sleep through the night",
        agreed_on=timezone.localdate() - dt.timedelta(days=7),
        rating=3,
        by=practitioner,
    )
