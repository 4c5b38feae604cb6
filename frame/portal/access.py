"""The only sanctioned ways to fetch portal records.

A client's portal pages never take the client from the URL: `portal_client(request)` derives it
from the signed-in user. Any id a portal URL does carry (an article share) is looked up *within*
that client's own records, so another client's id is the same 404 as one that does not exist.

Staff-side helpers go through the clients app's access rules, so portal controls on the client
card follow the same care-team and role boundaries as the card itself.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404, HttpRequest

from frame.clients.access import Section, access_client
from frame.clients.models import Client
from frame.portal.models import ArticleShare, PortalAccount

NOT_FOUND = "Nothing here."

# Set on the request by `frame.portal.middleware.portal_boundary` for signed-in portal users.
REQUEST_ATTRIBUTE = "portal_account"


def portal_account_of(user: Any) -> PortalAccount | None:
    """The portal account a signed-in user holds (active or suspended), with its client and
    practice, or None for staff and anyone else."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    account: PortalAccount | None = (
        PortalAccount.objects.select_related("client__practice").filter(user_id=user.pk).first()
    )
    return account


def active_portal_account(request: HttpRequest) -> PortalAccount | None:
    account = getattr(request, REQUEST_ATTRIBUTE, None)
    if account is None:
        account = portal_account_of(getattr(request, "user", None))
    if account is None or not account.is_active:
        return None
    return account


def portal_client(request: HttpRequest) -> Client:
    """The signed-in client, from their own active portal account; Http404 for anyone else."""
    account = active_portal_account(request)
    if account is None:
        raise Http404(NOT_FOUND)
    return account.client


def _uuid(value: Any) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise Http404(NOT_FOUND) from None


def share_for_client(client: Client, share_id: Any) -> ArticleShare:
    """An article shared with this client and not withdrawn; anything else is a 404."""
    share = (
        ArticleShare.objects.select_related("version")
        .filter(pk=_uuid(share_id), client=client, withdrawn_at__isnull=True)
        .first()
    )
    if share is None:
        raise Http404(NOT_FOUND)
    return share


# --- Staff side -----------------------------------------------------------------------------------


def client_for_portal_access(user: Any, client_id: Any) -> Client:
    """A client whose portal access `user` may manage: the care team, and administrators (who
    look after contact details and so the email address the invitation goes to)."""
    return access_client(user, client_id, section=Section.CONTACT)


def client_for_sharing(user: Any, client_id: Any) -> Client:
    """A client `user` may share articles with: the care team only (a clinical choice)."""
    return access_client(user, client_id, section=Section.CLINICAL)


def share_for_staff(user: Any, client_id: Any, share_id: Any) -> ArticleShare:
    client = client_for_sharing(user, client_id)
    share = (
        ArticleShare.objects.select_related("version")
        .filter(pk=_uuid(share_id), client=client)
        .first()
    )
    if share is None:
        raise Http404(NOT_FOUND)
    share.client = client
    return share
