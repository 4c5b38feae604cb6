"""The only way views fetch another person's membership or an invitation: scoped to the practice.

Anything outside the asking owner's practice is the same 404 as something that does not exist.
"""

from __future__ import annotations

from django.http import Http404

from frame.accounts.models import Invitation, Membership, User


def practice_id_of(user: User) -> int:
    membership = user.active_membership
    if membership is None:
        raise Http404
    return membership.practice_id


def member_for_owner(user: User, member_id: int) -> Membership:
    membership = (
        Membership.objects.select_related("user")
        .filter(pk=member_id, practice_id=practice_id_of(user))
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def pending_invitation_for_owner(user: User, invitation_id: int) -> Invitation:
    invitation: Invitation | None = (
        Invitation.objects.usable()
        .filter(pk=invitation_id, practice_id=practice_id_of(user))
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation
