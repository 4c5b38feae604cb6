"""The only sanctioned ways to fetch boundary events, circle entries and dual-relationship checks.

Boundary events are clinical: only the client's care team sees them (through the clients app's
`access_client`). The declared circle and check results belong to one practitioner: nobody else
— not a colleague, not the practice owner, not an administrator — can reach them, and every
refusal is the same 404 as a missing record.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from frame.accounts.models import Membership
from frame.boundaries.models import AWAITING, BoundaryEvent, CircleEntry, Screening
from frame.clients.access import NOT_FOUND_MESSAGE, Section, access_client, parse_id
from frame.clients.models import CareTeamMember, Client

NOT_FOUND = "Nothing here."


def clinical_membership(user: Any) -> Membership | None:
    """The user's membership if they do client work (owner or practitioner), else None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    membership: Membership | None = user.active_membership
    return membership if membership is not None and membership.is_clinical else None


# --- Boundary events -------------------------------------------------------------------------


def access_client_for_boundaries(user: Any, client_id: Any) -> Client:
    return access_client(user, client_id, section=Section.CLINICAL)


def access_event(user: Any, client_id: Any, event_id: Any) -> BoundaryEvent:
    client = access_client_for_boundaries(user, client_id)
    try:
        event = BoundaryEvent.objects.get(client=client, pk=parse_id(event_id, NOT_FOUND))
    except BoundaryEvent.DoesNotExist:
        raise Http404(NOT_FOUND_MESSAGE) from None
    event.client = client  # already loaded and access-checked
    return event


def awaiting_events_for(user: Any) -> QuerySet[BoundaryEvent]:
    """Open items across `user`'s caseload: not yet explored, or not yet taken to supervision."""
    if clinical_membership(user) is None:
        return BoundaryEvent.objects.none()
    # The practice is checked inside the per-row probe: filtering the outer query on it would let
    # SQLite plan from the whole practice's clients instead of the few open items.
    on_team = CareTeamMember.objects.filter(
        client=OuterRef("client_id"),
        user=user,
        client__practice_id=user.active_membership.practice_id,
    )
    return (
        BoundaryEvent.objects.filter(AWAITING)
        .filter(Exists(on_team))
        .select_related("client")
        .only(
            "id",
            "kind",
            "occurred_on",
            "to_explore",
            "explored_on",
            "to_supervision",
            "taken_to_supervision_on",
            "recorded_in_error_at",
            "client__id",
            "client__given_name",
            "client__family_name",
            "client__preferred_name",
            "client__case_code",
        )
        .order_by("occurred_on", "id")
    )


# --- The declared circle ---------------------------------------------------------------------


def circle_for(user: Any) -> QuerySet[CircleEntry]:
    """The user's own circle. Empty for anyone who does no client work."""
    if clinical_membership(user) is None:
        return CircleEntry.objects.none()
    return CircleEntry.objects.filter(owner=user)


def require_circle_keeper(user: Any) -> None:
    """Circle pages exist only for people who keep one: owners and practitioners."""
    if clinical_membership(user) is None:
        raise Http404(NOT_FOUND)


def access_circle_entry(user: Any, entry_id: Any) -> CircleEntry:
    try:
        return circle_for(user).get(pk=parse_id(entry_id, NOT_FOUND))
    except CircleEntry.DoesNotExist:
        raise Http404(NOT_FOUND) from None


# --- Dual-relationship checks ----------------------------------------------------------------


def latest_screening(user: Any, client: Client) -> Screening | None:
    """`user`'s own latest check of `client` (already access-checked), or None.

    Nobody sees another practitioner's check, whatever their role.
    """
    if clinical_membership(user) is None:
        return None
    return (
        Screening.objects.filter(client=client, practitioner=user)
        .order_by("-created_at", "-id")
        .first()
    )
