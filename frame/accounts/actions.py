"""Every change to practices, memberships, invitations and setup links goes through here.

Each action takes keyword-only arguments and an explicit actor, runs in one transaction and records
its audit event inside that transaction. Tokens are returned to the caller once and only their
SHA-256 is stored.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from frame.accounts.models import (
    Invitation,
    Membership,
    Practice,
    Role,
    SetupToken,
    User,
    hash_token,
)
from frame.accounts.wording import role_phrase
from frame.audit.actions import record
from frame.audit.models import Action
from frame.lib.email import INVITATION_NOT_SENT, send_or_undo


class AccountActionError(Exception):
    """A change that cannot be made; the message is plain words for the person asking."""


class TokenUnusable(AccountActionError):
    """The setup link or invitation was used, withdrawn or has expired in the meantime."""


class EmailTaken(AccountActionError):
    pass


class LastOwnerError(AccountActionError):
    pass


LAST_OWNER_MESSAGE = (
    "A practice always needs at least one active owner. Make someone else an owner first."
)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_taken(email: str) -> bool:
    return User.objects.filter(email__iexact=normalise_email(email)).exists()


# --- Setup link -----------------------------------------------------------------------------------


@transaction.atomic
def issue_setup_token() -> str:
    """Retire any unused setup link and make a new one. Returns the token; only its hash is kept."""
    now = timezone.now()
    SetupToken.objects.filter(used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    SetupToken.objects.create(
        token_hash=hash_token(token),
        expires_at=now + timedelta(hours=settings.FRAME_SETUP_LINK_HOURS),
    )
    return token


def setup_link(token: str) -> str:
    return f"{settings.FRAME_BASE_URL}/setup/{token}/"


# --- Creating a practice --------------------------------------------------------------------------


@transaction.atomic
def create_practice(
    *,
    practice_name: str,
    full_name: str,
    email: str,
    password: str,
    setup_token: SetupToken | None = None,
) -> User:
    """Create a practice and its first owner. With a setup token, only while nobody has an account.

    The new owner is the actor of their own audit event: nobody else exists yet.
    """
    now = timezone.now()
    if setup_token is not None:
        # The conditional update is the lock: of two simultaneous uses, exactly one succeeds.
        claimed = SetupToken.objects.usable().filter(pk=setup_token.pk).update(used_at=now)
        if claimed != 1 or User.objects.exists():
            raise TokenUnusable("This setup link has already been used or has expired.")
    email = normalise_email(email)
    if email_taken(email):
        raise EmailTaken("There is already an account with this email address.")
    practice = Practice.objects.create(name=practice_name.strip(), created_at=now)
    user = _create_user(email=email, password=password, full_name=full_name)
    Membership.objects.create(user=user, practice=practice, role=Role.OWNER, joined_at=now)
    record(
        action=Action.PRACTICE_CREATED,
        actor=user,
        target=practice,
        practice_id=practice.pk,
        actor_role=Role.OWNER,
        detail={"via": "setup_link" if setup_token is not None else "command_line"},
    )
    return user


def _create_user(*, email: str, password: str, full_name: str) -> User:
    try:
        # A savepoint, so that losing a race for the address leaves the outer transaction usable.
        with transaction.atomic():
            return User.objects.create_user(email, password, full_name=full_name.strip())
    except IntegrityError:
        raise EmailTaken("There is already an account with this email address.") from None


# --- Invitations ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationSent:
    invitation: Invitation
    email: str


class InvitationNotSent(AccountActionError):
    pass


def invite_member(*, practice: Practice, email: str, role: str, by: User) -> InvitationSent:
    """Invite someone to join the practice by a single-use, expiring link sent to their email.

    If the address already belongs to an account (in any practice), the owner sees exactly the same
    result, so Frame never reveals who has an account; that address gets a short note instead of a
    link, and the invitation recorded here can never be accepted because its token was never sent.
    Callers check first that the address is not already a member of *this* practice, which the
    owner can see anyway.

    The email is sent after the invitation is saved, outside the transaction (a slow mail server
    must not hold the database's write lock). If it cannot be sent, the invitation is withdrawn at
    once and InvitationNotSent says so: no link exists that nobody received.
    """
    invitation, message = _record_invitation(practice=practice, email=email, role=role, by=by)
    undo = partial(_withdraw_unsent, invitation=invitation, by=by)
    if not send_or_undo(message, undo=undo, label="Invitation email"):
        raise InvitationNotSent(INVITATION_NOT_SENT)
    return InvitationSent(invitation=invitation, email=invitation.email)


@transaction.atomic
def _record_invitation(
    *, practice: Practice, email: str, role: str, by: User
) -> tuple[Invitation, EmailMessage]:
    if role not in Role.values:
        raise AccountActionError("Please choose one of the listed roles.")
    email = normalise_email(email)
    now = timezone.now()
    # A fresh invitation replaces any earlier one still waiting for the same person.
    Invitation.objects.usable().filter(practice=practice, email=email).update(revoked_at=now)
    token, token_hash = Invitation.new_token()
    invitation = Invitation.objects.create(
        practice=practice,
        email=email,
        role=role,
        token_hash=token_hash,
        invited_by=by,
        created_at=now,
        expires_at=now + timedelta(days=settings.FRAME_INVITATION_DAYS),
    )
    record(
        action=Action.INVITATION_SENT,
        actor=by,
        target=invitation,
        practice_id=practice.pk,
        detail={"role": role},
    )
    context = {
        "practice": practice,
        "inviter": by,
        "role": role_phrase(role),
        "days": settings.FRAME_INVITATION_DAYS,
        "link": f"{settings.FRAME_BASE_URL}/join/{token}/",
        "base_url": settings.FRAME_BASE_URL,
    }
    template = "accounts/email/" + ("already_has_account" if email_taken(email) else "invitation")
    message = EmailMessage(
        subject=render_to_string(f"{template}_subject.txt", context).strip(),
        body=render_to_string(f"{template}_message.txt", context),
        to=[email],
    )
    return invitation, message


@transaction.atomic
def _withdraw_unsent(*, invitation: Invitation, by: User) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    record(
        action=Action.INVITATION_REVOKED,
        actor=by,
        target=invitation,
        practice_id=invitation.practice_id,
        outcome="failed",
        detail={"role": invitation.role, "reason": "email_not_sent"},
    )


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, by: User) -> None:
    withdrawn = (
        Invitation.objects.usable().filter(pk=invitation.pk).update(revoked_at=timezone.now())
    )
    if withdrawn != 1:
        raise TokenUnusable("This invitation has already been accepted, withdrawn or has expired.")
    record(
        action=Action.INVITATION_REVOKED,
        actor=by,
        target=invitation,
        practice_id=invitation.practice_id,
        detail={"role": invitation.role},
    )


@transaction.atomic
def accept_invitation(*, invitation: Invitation, full_name: str, password: str) -> User:
    """Create the invited person's account and membership. The newcomer is the actor."""
    now = timezone.now()
    claimed = Invitation.objects.usable().filter(pk=invitation.pk).update(used_at=now)
    if claimed != 1:
        raise TokenUnusable("This invitation has already been used, withdrawn or has expired.")
    if email_taken(invitation.email):
        raise TokenUnusable("This invitation can no longer be used.")
    try:
        user = _create_user(email=invitation.email, password=password, full_name=full_name)
    except EmailTaken:
        raise TokenUnusable("This invitation can no longer be used.") from None
    Membership.objects.create(
        user=user, practice_id=invitation.practice_id, role=invitation.role, joined_at=now
    )
    record(
        action=Action.INVITATION_ACCEPTED,
        actor=user,
        target=invitation,
        practice_id=invitation.practice_id,
        actor_role=invitation.role,
        detail={"role": invitation.role},
    )
    return user


# --- Members --------------------------------------------------------------------------------------


def _lock_active_owners(practice_id: int) -> list[int]:
    """Lock the practice's active owner rows so two owners cannot demote each other at once."""
    return list(
        Membership.objects.select_for_update()
        .filter(practice_id=practice_id, role=Role.OWNER, is_active=True)
        .values_list("pk", flat=True)
    )


@transaction.atomic
def change_role(*, membership: Membership, role: str, by: User) -> Membership:
    if role not in Role.values:
        raise AccountActionError("Please choose one of the listed roles.")
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        raise AccountActionError("This person's account has been deactivated.")
    old_role = membership.role
    if old_role == role:
        return membership
    if old_role == Role.OWNER and _lock_active_owners(membership.practice_id) == [membership.pk]:
        raise LastOwnerError(LAST_OWNER_MESSAGE)
    membership.role = role
    membership.save(update_fields=["role"])
    record(
        action=Action.ROLE_CHANGED,
        actor=by,
        target=membership,
        practice_id=membership.practice_id,
        detail={"from": old_role, "to": role},
    )
    return membership


@transaction.atomic
def deactivate_member(*, membership: Membership, by: User) -> int:
    """Deactivate someone and end every session they have. Returns how many sessions ended."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        raise AccountActionError("This person's account is already deactivated.")
    if membership.user_id == by.pk:
        raise AccountActionError(
            "You cannot deactivate your own account. Ask another owner to do it."
        )
    if membership.role == Role.OWNER and _lock_active_owners(membership.practice_id) == [
        membership.pk
    ]:
        raise LastOwnerError(LAST_OWNER_MESSAGE)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    User.objects.filter(pk=membership.user_id).update(is_active=False)
    ended = end_all_sessions(user_id=membership.user_id)
    record(
        action=Action.MEMBER_DEACTIVATED,
        actor=by,
        target=membership,
        practice_id=membership.practice_id,
        detail={"role": membership.role, "sessions_ended": ended},
    )
    return ended


def end_all_sessions(*, user_id: int) -> int:
    """Delete every session belonging to this person, tracked by allauth or not."""
    keys = set(UserSession.objects.filter(user_id=user_id).values_list("session_key", flat=True))
    UserSession.objects.filter(user_id=user_id).delete()
    # Sessions allauth never saw (e.g. made before usersessions tracked them) hold the user id
    # only inside their encoded data, so look through the live ones.
    wanted = str(user_id)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == wanted:
            keys.add(session.session_key)
    return Session.objects.filter(session_key__in=keys).delete()[0]


@transaction.atomic
def record_activity_viewed(*, membership: Membership, by: User) -> None:
    """Looking at what a colleague has accessed is itself something the audit trail keeps."""
    record(
        action=Action.AUDIT_VIEWED,
        actor=by,
        target=membership,
        practice_id=membership.practice_id,
        detail={"report": "member_activity"},
    )
