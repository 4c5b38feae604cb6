"""The only sanctioned ways to fetch supervision records.

A supervision log, its cases and actions, the break months and the packs belong to one
practitioner (the supervisee). Nobody else reaches them — not a colleague, not the practice
owner, not an administrator: supervision is the practitioner's own professional record, and
what is said there is said in confidence. Clients are reached only through the clients app's
`access_client`, so a case can name only a client the practitioner is on the care team of.

A supervisor reaches one thing: a pack shared with them, while the share is live (not withdrawn,
not past its expiry date), from a practitioner of their own practice. Their own notes on it are
theirs alone. Every refusal is the same 404 as a record that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from frame.accounts.models import Membership, Role, User
from frame.clients.access import Section, access_client, parse_id
from frame.supervision.models import (
    BreakMonth,
    CaseAction,
    Pack,
    PackShare,
    Supervision,
    SupervisorNote,
)

NOT_FOUND = "Nothing here."


def _membership(user: Any) -> Membership | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    membership: Membership | None = user.active_membership
    return membership


def is_supervisee(user: Any) -> bool:
    """Owners and practitioners keep a supervision log."""
    membership = _membership(user)
    return membership is not None and membership.is_clinical


def is_supervisor(user: Any) -> bool:
    membership = _membership(user)
    return membership is not None and membership.role == Role.SUPERVISOR


def require_supervisee(user: Any) -> None:
    if not is_supervisee(user):
        raise Http404(NOT_FOUND)


def require_supervisor(user: Any) -> None:
    if not is_supervisor(user):
        raise Http404(NOT_FOUND)


# --- The practitioner's own records -------------------------------------------------------------


def supervisions_for(user: Any) -> QuerySet[Supervision]:
    if not is_supervisee(user):
        return Supervision.objects.none()
    return Supervision.objects.filter(practitioner=user)


def access_supervision(user: Any, supervision_id: Any) -> Supervision:
    try:
        return supervisions_for(user).get(pk=parse_id(supervision_id, NOT_FOUND))
    except Supervision.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def breaks_for(user: Any) -> QuerySet[BreakMonth]:
    if not is_supervisee(user):
        return BreakMonth.objects.none()
    return BreakMonth.objects.filter(practitioner=user)


def packs_for(user: Any) -> QuerySet[Pack]:
    if not is_supervisee(user):
        return Pack.objects.none()
    return Pack.objects.filter(practitioner=user)


def access_pack(user: Any, pack_id: Any) -> Pack:
    try:
        return packs_for(user).get(pk=parse_id(pack_id, NOT_FOUND))
    except Pack.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def open_actions_for(user: Any, client_id: Any) -> QuerySet[CaseAction]:
    """The user's own open actions from supervision for one client (access already checked)."""
    if not is_supervisee(user):
        return CaseAction.objects.none()
    return CaseAction.objects.filter(practitioner=user, client_id=client_id, done_at__isnull=True)


def access_action(user: Any, client_id: Any, action_id: Any) -> CaseAction:
    """An action of the user's own, on a client they still see clinically."""
    client = access_client(user, client_id, section=Section.CLINICAL)
    require_supervisee(user)
    try:
        action = CaseAction.objects.get(
            practitioner=user, client=client, pk=parse_id(action_id, NOT_FOUND)
        )
    except CaseAction.DoesNotExist:
        raise Http404(NOT_FOUND) from None
    action.client = client
    return action


# --- Supervisors --------------------------------------------------------------------------------


def supervisors_for(user: Any) -> QuerySet[User]:
    """Supervisors of the user's practice, whom a pack may be shared with."""
    membership = _membership(user)
    if membership is None or not membership.is_clinical:
        return User.objects.none()
    return User.objects.filter(
        membership__practice_id=membership.practice_id,
        membership__role=Role.SUPERVISOR,
        membership__is_active=True,
        is_active=True,
    ).order_by("full_name", "email")


def live_shares_for(user: Any) -> QuerySet[PackShare]:
    """Shares a supervisor may open now: not withdrawn, not expired, from their own practice."""
    membership = _membership(user)
    if membership is None or membership.role != Role.SUPERVISOR:
        return PackShare.objects.none()
    return PackShare.objects.filter(
        supervisor=user,
        revoked_at__isnull=True,
        expires_on__gte=timezone.localdate(),
        pack__practitioner__membership__practice_id=membership.practice_id,
        pack__practitioner__membership__is_active=True,
    )


def access_shared_pack(user: Any, pack_id: Any) -> PackShare:
    try:
        return (
            live_shares_for(user)
            .select_related("pack", "pack__practitioner")
            .get(pack_id=parse_id(pack_id, NOT_FOUND))
        )
    except PackShare.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def own_notes_for(user: Any) -> QuerySet[SupervisorNote]:
    """A supervisor's own notes, on every pack ever shared with them (they stay theirs)."""
    if not is_supervisor(user):
        return SupervisorNote.objects.none()
    return SupervisorNote.objects.filter(author=user)
