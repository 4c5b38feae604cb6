"""Every change to portal access, crisis contacts and articles goes through here.

Each action takes keyword-only arguments and an explicit actor (`by=`), runs in one transaction
and records its audit event in that same transaction. Audit details carry ids, statuses and field
names only: never what anyone typed. Tokens are handed to the caller once; only their SHA-256 is
kept.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from frame.accounts.actions import end_all_sessions
from frame.accounts.models import User, hash_token
from frame.audit.actions import record
from frame.audit.models import Action
from frame.clients.access import Section, may_see
from frame.clients.models import Client
from frame.portal.models import PortalAccount, PortalInvitation

logger = logging.getLogger(__name__)

CLIENT_ROLE = "client"  # the actor role recorded for a client's own actions


class PortalActionError(Exception):
    """A change that cannot be made; the message is plain words for the person asking."""


class InvitationUnusable(PortalActionError):
    pass


class InvitationNotSent(PortalActionError):
    pass


def _require_contact_access(by: User, client: Client) -> None:
    """Actions check access themselves: commands and later apps call them, not just views."""
    if by.active_membership is None or not may_see(by, client, Section.CONTACT):
        raise PermissionDenied("You cannot manage portal access for this client.")


def _lock_client(client: Client) -> None:
    list(Client.objects.select_for_update().filter(pk=client.pk).values_list("pk", flat=True))


def join_link(token: str) -> str:
    return f"{settings.FRAME_BASE_URL}/portal/join/{token}/"


# --- Invitations ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationSent:
    invitation: PortalInvitation
    email: str


def invite_client(*, client: Client, by: User) -> InvitationSent:
    """Email the client a single-use link to set a password for their portal.

    Goes to the client's own email address on the record. Any earlier link still waiting is
    withdrawn. The email is sent after the invitation is saved, outside the transaction; if it
    cannot be sent, the invitation is withdrawn at once and InvitationNotSent says so.
    """
    invitation, message = _record_invitation(client=client, by=by)
    try:
        message.send(fail_silently=False)
    except (OSError, smtplib.SMTPException) as error:
        logger.warning("Portal invitation email could not be sent: %s", type(error).__name__)
        _withdraw(invitation=invitation, by=by, reason="email_not_sent")
        raise InvitationNotSent(
            "Frame could not send the invitation email, so the invitation has been withdrawn. "
            "Please check the email settings, then try again."
        ) from None
    return InvitationSent(invitation=invitation, email=invitation.email)


@transaction.atomic
def _record_invitation(*, client: Client, by: User) -> tuple[PortalInvitation, EmailMessage]:
    _require_contact_access(by, client)
    _lock_client(client)
    client.refresh_from_db()
    if PortalAccount.objects.filter(client=client).exists():
        raise PortalActionError("This client already has a portal account.")
    email = client.email.strip().lower()
    if not email:
        raise PortalActionError(
            "This client has no email address on their record. Add one, then invite them."
        )
    if not client.may_email:
        raise PortalActionError(
            "This client's record says not to email them. If they have agreed to an email for "
            "the portal, change their contact preferences first."
        )
    now = timezone.now()
    withdrawn = PortalInvitation.objects.usable().filter(client=client).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = PortalInvitation.objects.create(
        client=client,
        email=email,
        token_hash=hash_token(token),
        invited_by=by,
        created_at=now,
        expires_at=now + timedelta(days=settings.FRAME_INVITATION_DAYS),
    )
    record(
        action=Action.PORTAL_INVITED,
        actor=by,
        target=invitation,
        client=client,
        detail={"replaced_earlier_link": bool(withdrawn)},
    )
    context = {
        "client": client,
        "name": client.preferred_name or client.given_name,
        "practice": client.practice,
        "inviter": by,
        "link": join_link(token),
        "days": settings.FRAME_INVITATION_DAYS,
        "discreet": client.discreet_wording,
    }
    message = EmailMessage(
        subject=render_to_string("portal/email/invitation_subject.txt", context).strip(),
        body=render_to_string("portal/email/invitation_message.txt", context),
        to=[email],
    )
    return invitation, message


@transaction.atomic
def _withdraw(*, invitation: PortalInvitation, by: User, reason: str) -> None:
    PortalInvitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    record(
        action=Action.PORTAL_INVITATION_WITHDRAWN,
        actor=by,
        target=invitation,
        client=invitation.client_id,
        practice_id=by.practice_id_for_audit,
        outcome="failed" if reason == "email_not_sent" else "ok",
        detail={"reason": reason},
    )


@transaction.atomic
def withdraw_invitation(*, client: Client, by: User) -> int:
    """Withdraw any link still waiting for this client. Returns how many were withdrawn."""
    _require_contact_access(by, client)
    pending = list(PortalInvitation.objects.usable().filter(client=client))
    for invitation in pending:
        _withdraw(invitation=invitation, by=by, reason="withdrawn")
    return len(pending)


def _email_in_use(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


@transaction.atomic
def accept_invitation(*, invitation: PortalInvitation, password: str) -> User:
    """Create the client's sign-in and portal account. The client is the actor.

    The password is checked with the project's validators (ValidationError on failure); the
    token is claimed with a conditional update, so of two simultaneous uses exactly one wins.
    """
    client = invitation.client
    validate_password(password, user=User(email=invitation.email, full_name=client.given_name))
    now = timezone.now()
    claimed = PortalInvitation.objects.usable().filter(pk=invitation.pk).update(used_at=now)
    if claimed != 1:
        raise InvitationUnusable("This link has already been used or has expired.")
    if PortalAccount.objects.filter(client_id=client.pk).exists():
        raise InvitationUnusable("This link has already been used or has expired.")
    if _email_in_use(invitation.email):
        raise PortalActionError(
            "There is already an account with this email address, so this link cannot make "
            "another. Please ask your practitioner to help."
        )
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                invitation.email,
                password,
                full_name=f"{client.preferred_name or client.given_name} {client.family_name}",
            )
    except IntegrityError:
        raise PortalActionError(
            "There is already an account with this email address, so this link cannot make "
            "another. Please ask your practitioner to help."
        ) from None
    account = PortalAccount.objects.create(
        user=user,
        client=client,
        invited_by_id=invitation.invited_by_id,
        created_at=now,
        status_changed_at=now,
    )
    record(
        action=Action.PORTAL_JOINED,
        actor=user,
        actor_role=CLIENT_ROLE,
        target=account,
        client=client,
        practice_id=client.practice_id,
        detail={"invitation": invitation.pk},
    )
    return user


@transaction.atomic
def request_new_link(*, invitation: PortalInvitation | None) -> bool:
    """Someone holding a dead link asks the practice for a new one.

    The caller shows the same answer whatever happens here, so nothing is revealed to whoever
    holds the link. Returns whether a request was recorded (False for an unknown link, or a
    second request for the same link).
    """
    if invitation is None:
        return False
    updated = PortalInvitation.objects.filter(
        pk=invitation.pk, new_link_requested_at__isnull=True
    ).update(new_link_requested_at=timezone.now())
    if updated != 1:
        return False
    record(
        action=Action.PORTAL_LINK_REQUESTED,
        target=invitation,
        client=invitation.client_id,
        practice_id=Client.objects.filter(pk=invitation.client_id)
        .values_list("practice_id", flat=True)
        .first(),
    )
    return True


# --- Suspending and restoring ---------------------------------------------------------------------


@transaction.atomic
def suspend_access(*, account: PortalAccount, by: User) -> int:
    """Pause a client's portal access: they cannot sign in, and every session they have ends
    now. Returns how many sessions ended."""
    _require_contact_access(by, account.client)
    account = PortalAccount.objects.select_for_update().get(pk=account.pk)
    if account.status == PortalAccount.Status.SUSPENDED:
        raise PortalActionError("This client's portal access is already paused.")
    now = timezone.now()
    account.status = PortalAccount.Status.SUSPENDED
    account.status_changed_at = now
    account.status_changed_by = by
    account.save(update_fields=["status", "status_changed_at", "status_changed_by"])
    User.objects.filter(pk=account.user_id).update(is_active=False)
    ended = end_all_sessions(user_id=account.user_id)
    record(
        action=Action.PORTAL_SUSPENDED,
        actor=by,
        target=account,
        client=account.client_id,
        detail={"sessions_ended": ended},
    )
    return ended


@transaction.atomic
def restore_access(*, account: PortalAccount, by: User) -> None:
    _require_contact_access(by, account.client)
    account = PortalAccount.objects.select_for_update().get(pk=account.pk)
    if account.status == PortalAccount.Status.ACTIVE:
        raise PortalActionError("This client's portal access is already open.")
    now = timezone.now()
    account.status = PortalAccount.Status.ACTIVE
    account.status_changed_at = now
    account.status_changed_by = by
    account.save(update_fields=["status", "status_changed_at", "status_changed_by"])
    User.objects.filter(pk=account.user_id).update(is_active=True)
    record(action=Action.PORTAL_RESTORED, actor=by, target=account, client=account.client_id)


# --- Practice settings ----------------------------------------------------------------------------


@transaction.atomic
def set_portal_requires_mfa(*, practice: Any, required: bool, by: User) -> None:
    membership = by.active_membership
    if membership is None or not membership.is_owner or membership.practice_id != practice.pk:
        raise PermissionDenied("Only an owner of this practice can change portal settings.")
    if practice.portal_requires_mfa == required:
        return
    practice.portal_requires_mfa = required
    practice.save(update_fields=["portal_requires_mfa"])
    record(
        action=Action.PORTAL_SETTINGS_CHANGED,
        actor=by,
        target=practice,
        practice_id=practice.pk,
        detail={"portal_requires_mfa": required},
    )
