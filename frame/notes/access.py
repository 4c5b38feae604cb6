"""The only sanctioned way to fetch session notes, process notes and goals.

Everything here is clinical: only the client's care team sees it (administrators and
supervisors never do). Process notes are narrower still: their author alone. Anything else is
the same 404 as something that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from frame.clients.access import Section, access_client, clients_for, parse_id
from frame.clients.models import Client
from frame.notes.models import Goal, ProcessNote
from frame.scheduling.models import Appointment

NOT_FOUND_MESSAGE = "Nothing here."


def access_notes_client(user: Any, client_id: Any) -> Client:
    return access_client(user, client_id, section=Section.CLINICAL)


def access_note_appointment(user: Any, appointment_id: Any) -> Appointment:
    """An appointment whose session note `user` may read: one of a client on their care team."""
    try:
        appointment: Appointment = (
            Appointment.objects.filter(client__in=clients_for(user, section=Section.CLINICAL))
            .select_related("client", "practitioner")
            .get(pk=parse_id(appointment_id))
        )
    except Appointment.DoesNotExist:
        raise Http404(NOT_FOUND_MESSAGE) from None
    return appointment


def access_process_note(user: Any, client_id: Any, process_note_id: Any) -> ProcessNote:
    client = access_notes_client(user, client_id)
    try:
        note: ProcessNote = ProcessNote.objects.select_related("appointment").get(
            client=client, author=user, pk=parse_id(process_note_id)
        )
    except ProcessNote.DoesNotExist:
        raise Http404(NOT_FOUND_MESSAGE) from None
    note.client = client
    return note


def access_goal(user: Any, client_id: Any, goal_id: Any) -> Goal:
    client = access_notes_client(user, client_id)
    try:
        goal: Goal = Goal.objects.get(client=client, pk=parse_id(goal_id))
    except Goal.DoesNotExist:
        raise Http404(NOT_FOUND_MESSAGE) from None
    goal.client = client
    return goal
