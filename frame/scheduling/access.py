"""The only sanctioned way to fetch appointments, regular slots and breaks for a person.

The diary is administrative: owners and practitioners see appointments of clients on their care
team; administrators see the whole practice's diary (to book and remind), as they see its clients'
identity and contact details. Anything else is the same 404 as something that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from frame.accounts.models import CLINICAL_ROLES, Membership, Role, User
from frame.clients.access import Section, access_client, clients_for, parse_id
from frame.clients.models import CareTeamMember, Client
from frame.scheduling.models import Appointment, PlannedBreak

NOT_FOUND_MESSAGE = "Nothing here."


def _membership(user: Any) -> Membership | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    membership: Membership | None = user.active_membership
    return membership


def keeps_diary(user: Any) -> bool:
    """Owners, practitioners and administrators use the diary; supervisors do not."""
    membership = _membership(user)
    return membership is not None and (
        membership.is_clinical or membership.role == Role.ADMINISTRATOR
    )


def access_diary_client(user: Any, client_id: Any) -> Client:
    """A client whose sessions `user` may see and book: the care team, or the practice's admins."""
    if not keeps_diary(user):
        raise Http404(NOT_FOUND_MESSAGE)
    return access_client(user, client_id, section=Section.IDENTITY)


def appointments_for(user: Any) -> QuerySet[Appointment]:
    """Every appointment `user` may see: of clients they may see, in their practice."""
    membership = _membership(user)
    if membership is None or not keeps_diary(user):
        return Appointment.objects.none()
    return Appointment.objects.filter(
        practice_id=membership.practice_id,
        client__in=clients_for(user, section=Section.IDENTITY),
    )


def access_appointment(user: Any, appointment_id: Any) -> Appointment:
    try:
        appointment: Appointment = (
            appointments_for(user)
            .select_related("client", "practitioner", "slot", "planned_break")
            .get(pk=parse_id(appointment_id))
        )
    except Appointment.DoesNotExist:
        raise Http404(NOT_FOUND_MESSAGE) from None
    return appointment


def diary_practitioners(user: Any) -> QuerySet[User]:
    """Whose diaries `user` may open: their own (clinical staff), or every clinician's (admins)."""
    membership = _membership(user)
    if membership is None:
        return User.objects.none()
    if membership.is_clinical:
        return User.objects.filter(pk=user.pk)
    if membership.role == Role.ADMINISTRATOR:
        return User.objects.filter(
            membership__practice_id=membership.practice_id,
            membership__is_active=True,
            membership__role__in=list(CLINICAL_ROLES),
        ).order_by("full_name", "email")
    return User.objects.none()


def diary_practitioner(user: Any, practitioner_id: Any) -> User:
    """The practitioner whose diary to show: `practitioner_id` if allowed, else 404."""
    try:
        wanted = int(practitioner_id)
    except (TypeError, ValueError):
        raise Http404(NOT_FOUND_MESSAGE) from None
    found = diary_practitioners(user).filter(pk=wanted).first()
    if found is None:
        raise Http404(NOT_FOUND_MESSAGE)
    return found


def bookable_practitioners(client: Client) -> QuerySet[User]:
    """The clinicians on the client's care team, who can hold the client's sessions."""
    return User.objects.filter(
        pk__in=CareTeamMember.objects.filter(client=client).values("user_id"),
        membership__practice_id=client.practice_id,
        membership__is_active=True,
        membership__role__in=list(CLINICAL_ROLES),
    ).order_by("full_name", "email")


def breaks_for(user: Any) -> QuerySet[PlannedBreak]:
    """Planned breaks `user` may see and change: their own, or the practice's (admins)."""
    membership = _membership(user)
    if membership is None:
        return PlannedBreak.objects.none()
    if membership.is_clinical:
        return PlannedBreak.objects.filter(practice_id=membership.practice_id, practitioner=user)
    if membership.role == Role.ADMINISTRATOR:
        return PlannedBreak.objects.filter(practice_id=membership.practice_id)
    return PlannedBreak.objects.none()


def access_break(user: Any, break_id: Any) -> PlannedBreak:
    try:
        found: PlannedBreak = (
            breaks_for(user).select_related("practitioner").get(pk=parse_id(break_id))
        )
    except PlannedBreak.DoesNotExist:
        raise Http404(NOT_FOUND_MESSAGE) from None
    return found


def appointment_of_client(client: Client, appointment_id: Any) -> Appointment:
    """One of this client's own appointments (for the client's portal); 404 for any other."""
    try:
        found: Appointment = (
            Appointment.objects.select_related("practitioner")
            .filter(client=client)
            .get(pk=parse_id(appointment_id))
        )
    except Appointment.DoesNotExist:
        raise Http404(NOT_FOUND_MESSAGE) from None
    return found
