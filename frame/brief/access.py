"""The only sanctioned way to fetch an appointment to prepare a brief for.

A brief gathers clinical records (notes, goals, scores, boundary events), so only the client's
care team may open it: administrators, supervisors, colleagues off the care team, other practices
and portal clients all get the same 404 as an appointment that does not exist. Past appointments
are not refused: a brief can be read again after the session.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from frame.accounts.models import Membership
from frame.brief.sections import BriefSubject
from frame.clients.access import Section, clients_for, parse_id
from frame.scheduling.models import Appointment

NOT_FOUND_MESSAGE = "Nothing here."


def clinical_membership(user: Any) -> Membership | None:
    """The user's membership if they work with clients (owner or practitioner), else None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    membership: Membership | None = user.active_membership
    return membership if membership is not None and membership.is_clinical else None


def access_brief(user: Any, appointment_id: Any) -> BriefSubject:
    """The appointment, its client and the reader, if `user` is on the client's care team."""
    membership = clinical_membership(user)
    if membership is None:
        raise Http404(NOT_FOUND_MESSAGE)
    try:
        appointment: Appointment = (
            Appointment.objects.filter(
                practice_id=membership.practice_id,
                client__in=clients_for(user, section=Section.CLINICAL),
            )
            .select_related("client", "practitioner")
            .get(pk=parse_id(appointment_id))
        )
    except Appointment.DoesNotExist:
        raise Http404(NOT_FOUND_MESSAGE) from None
    return BriefSubject(appointment=appointment, client=appointment.client, reader=user)
