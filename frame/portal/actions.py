"""Every change to portal access, crisis contacts and articles goes through here.

Each action takes keyword-only arguments and an explicit actor (`by=`), runs in one transaction
and records its audit event in that same transaction. Audit details carry ids, statuses and field
names only: never what anyone typed. Tokens are handed to the caller once; only their SHA-256 is
kept.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
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
from frame.lib.email import INVITATION_NOT_SENT, send_or_undo
from frame.portal.models import (
    Article,
    ArticleShare,
    ArticleVersion,
    CrisisContact,
    PortalAccount,
    PortalInvitation,
)

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
    undo = partial(_withdraw, invitation=invitation, by=by, reason="email_not_sent")
    if not send_or_undo(message, undo=undo, label="Portal invitation email"):
        raise InvitationNotSent(INVITATION_NOT_SENT)
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


# --- Practice defaults ----------------------------------------------------------------------------


@transaction.atomic
def add_practice_defaults(*, practice_id: int) -> None:
    """Give a practice Frame's UK crisis contacts (if it has none) and any of Frame's articles it
    does not have yet. Safe to run again. A system step taken when a practice is created, inside
    the same transaction as its own audited creation, so it records no event of its own."""
    from frame.portal.crisis import default_contacts
    from frame.portal.library import DEFAULT_KEYS, load

    if not CrisisContact.objects.filter(practice_id=practice_id).exists():
        CrisisContact.objects.bulk_create(default_contacts(practice_id))
    have = set(
        Article.objects.filter(practice_id=practice_id, key__in=DEFAULT_KEYS).values_list(
            "key", flat=True
        )
    )
    for position, key in enumerate(DEFAULT_KEYS, start=1):
        if key in have:
            continue
        text = load(key)
        article = Article.objects.create(practice_id=practice_id, key=key, position=position * 10)
        version = ArticleVersion.objects.create(
            article=article, number=1, title=text.title, summary=text.summary, body=text.body
        )
        article.current_version = version
        article.save(update_fields=["current_version"])


# --- Crisis contacts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactEntry:
    """One crisis contact as the owner left it on the page; `pk` is None for a new one."""

    pk: int | None
    name: str
    how_to_reach: str
    when_to_use: str
    nations: str


def _require_owner(by: User, practice_id: int) -> None:
    membership = by.active_membership
    if membership is None or not membership.is_owner or membership.practice_id != practice_id:
        raise PermissionDenied("Only an owner of this practice can change this.")


@transaction.atomic
def save_crisis_contacts(*, practice_id: int, entries: list[ContactEntry], by: User) -> None:
    """Replace the practice's crisis contacts with `entries`, in that order."""
    _require_owner(by, practice_id)
    if not entries:
        raise PortalActionError(
            "Please keep at least one way to get urgent help: every portal page shows this list."
        )
    existing = {
        c.pk: c for c in CrisisContact.objects.select_for_update().filter(practice_id=practice_id)
    }
    kept_ids = {entry.pk for entry in entries if entry.pk is not None}
    if not kept_ids <= set(existing):
        raise PermissionDenied("That crisis contact is not part of this practice.")
    removed = [pk for pk in existing if pk not in kept_ids]
    CrisisContact.objects.filter(pk__in=removed).delete()
    added = changed = 0
    fields = ("name", "how_to_reach", "when_to_use", "nations")
    for position, entry in enumerate(entries, start=1):
        values = {name: getattr(entry, name) for name in fields}
        if entry.pk is None:
            CrisisContact.objects.create(practice_id=practice_id, position=position, **values)
            added += 1
            continue
        contact = existing[entry.pk]
        if any(getattr(contact, name) != value for name, value in values.items()):
            changed += 1
        if changed or contact.position != position:
            for name, value in values.items():
                setattr(contact, name, value)
            contact.position = position
            contact.save()
    record(
        action=Action.CRISIS_CONTACTS_CHANGED,
        actor=by,
        practice_id=practice_id,
        detail={"count": len(entries), "added": added, "removed": len(removed), "changed": changed},
    )


# --- Articles -------------------------------------------------------------------------------------


def _clean_text(title: str, summary: str, body: str) -> dict[str, str]:
    values = {"title": title.strip(), "summary": summary.strip(), "body": body.strip()}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise PortalActionError(f"Please fill in the {' and '.join(missing)}.")
    return values


@transaction.atomic
def create_article(*, practice_id: int, title: str, summary: str, body: str, by: User) -> Article:
    _require_owner(by, practice_id)
    values = _clean_text(title, summary, body)
    article = Article.objects.create(practice_id=practice_id, position=1000)
    version = ArticleVersion.objects.create(article=article, number=1, created_by=by, **values)
    article.current_version = version
    article.save(update_fields=["current_version"])
    record(
        action=Action.ARTICLE_CREATED,
        actor=by,
        target=article,
        practice_id=practice_id,
        detail={"version": 1},
    )
    return article


@transaction.atomic
def edit_article(*, article: Article, title: str, summary: str, body: str, by: User) -> bool:
    """Save the words as a new version. Clients keep the version they were given.
    Returns False (and saves nothing) if nothing changed."""
    _require_owner(by, article.practice_id)
    values = _clean_text(title, summary, body)
    article = Article.objects.select_for_update().get(pk=article.pk)
    current = ArticleVersion.objects.filter(article=article).order_by("-number").first()
    if current is None:
        raise PortalActionError("This article has no text to edit.")
    changed = sorted(name for name, value in values.items() if getattr(current, name) != value)
    if not changed:
        return False
    version = ArticleVersion.objects.create(
        article=article, number=current.number + 1, created_by=by, **values
    )
    article.current_version = version
    article.save(update_fields=["current_version"])
    record(
        action=Action.ARTICLE_EDITED,
        actor=by,
        target=article,
        practice_id=article.practice_id,
        detail={"version": version.number, "fields": changed},
    )
    return True


def _require_clinical(by: User, client: Client) -> None:
    if by.active_membership is None or not may_see(by, client, Section.CLINICAL):
        raise PermissionDenied("Only the client's care team can share articles with them.")


@transaction.atomic
def share_article(*, client: Client, article: Article, by: User) -> ArticleShare:
    """Give the client the article's current version, to read in their portal."""
    _require_clinical(by, client)
    if article.practice_id != client.practice_id or article.current_version_id is None:
        raise PermissionDenied("That article is not part of this practice's library.")
    _lock_client(client)
    if ArticleShare.objects.filter(
        client=client, version_id=article.current_version_id, withdrawn_at__isnull=True
    ).exists():
        raise PortalActionError("This client already has this version of the article.")
    share = ArticleShare.objects.create(
        client=client, version_id=article.current_version_id, shared_by=by
    )
    record(
        action=Action.ARTICLE_SHARED,
        actor=by,
        target=share,
        client=client,
        detail={"article": article.pk, "version_id": article.current_version_id},
    )
    return share


@transaction.atomic
def withdraw_share(*, share: ArticleShare, by: User) -> None:
    _require_clinical(by, share.client)
    updated = ArticleShare.objects.filter(pk=share.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    if updated != 1:
        raise PortalActionError("This article has already been withdrawn.")
    record(action=Action.ARTICLE_WITHDRAWN, actor=by, target=share, client=share.client_id)


@transaction.atomic
def mark_read(*, share: ArticleShare, by: User, client: Client) -> None:
    """The first time a client opens a shared article; later readings record nothing."""
    if share.client_id != client.pk:
        raise PermissionDenied("Not this client's article.")
    updated = ArticleShare.objects.filter(pk=share.pk, first_read_at__isnull=True).update(
        first_read_at=timezone.now()
    )
    if updated == 1:
        record(
            action=Action.ARTICLE_READ,
            actor=by,
            actor_role=CLIENT_ROLE,
            target=share,
            client=client,
            practice_id=client.practice_id,
        )
