"""The only sanctioned way to reach the confidentiality register.

The register is narrower than the rest of the clinical record. An entry is seen by its author,
while they are on the client's care team, and by the practice owner (who answers for every
disclosure the practice makes, so sees every client's register, on the care team or not). A
colleague, another care-team member who did not write it, an administrator, a supervisor, someone
in another practice and the client in the portal all get the same 404 as a missing record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, QuerySet
from django.http import Http404

from frame.accounts.models import Membership
from frame.clients.access import Section, clients_for, parse_id
from frame.clients.models import Client
from frame.confidentiality.models import RegisterEntry

NOT_FOUND = "Nothing here."


@dataclass(frozen=True)
class RegisterAccess:
    """A client's register as one person may reach it."""

    client: Client
    is_owner: bool
    may_write: bool  # on the care team: may record decisions (and be their author)

    def entries(self, user: Any) -> QuerySet[RegisterEntry]:
        """The entries this person may read: all of them for the owner, else their own."""
        entries = RegisterEntry.objects.filter(client=self.client)
        return entries if self.is_owner else entries.filter(author=user)


def _membership(user: Any) -> Membership | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    membership: Membership | None = user.active_membership
    if membership is None or not membership.is_clinical:
        return None
    return membership


def register_access(user: Any, client_id: Any) -> RegisterAccess:
    """The client's register for `user`, or Http404 for anyone who may not reach it."""
    membership = _membership(user)
    if membership is None:
        raise Http404(NOT_FOUND)
    pk = parse_id(client_id, NOT_FOUND)
    # One query: the client (owners: anywhere in their practice) and whether `user` is on its
    # care team.
    on_team = clients_for(user, section=Section.CLINICAL).filter(pk=pk)
    if membership.is_owner:
        found = (
            Client.objects.filter(practice_id=membership.practice_id, pk=pk)
            .annotate(_on_team=Exists(on_team))
            .first()
        )
        if found is None:
            raise Http404(NOT_FOUND)
        return RegisterAccess(
            client=found, is_owner=True, may_write=bool(getattr(found, "_on_team", False))
        )
    found = on_team.first()
    if found is None:
        raise Http404(NOT_FOUND)
    return RegisterAccess(client=found, is_owner=False, may_write=True)


def access_entry(user: Any, client_id: Any, entry_id: Any) -> tuple[RegisterAccess, RegisterEntry]:
    register = register_access(user, client_id)
    try:
        entry = (
            register.entries(user)
            .select_related("author", "corrects", "corrected_by")
            .get(pk=parse_id(entry_id, NOT_FOUND))
        )
    except RegisterEntry.DoesNotExist:
        raise Http404(NOT_FOUND) from None
    entry.client = register.client
    return register, entry


def may_read_register(user: Any, client: Client) -> bool:
    """For an already access-checked client (the card): may `user` see any of its register?"""
    membership = _membership(user)
    if membership is None or membership.practice_id != client.practice_id:
        return False
    if membership.is_owner:
        return True
    return clients_for(user, section=Section.CLINICAL).filter(pk=client.pk).exists()


def practice_register(user: Any) -> QuerySet[RegisterEntry]:
    """Every entry in the owner's practice, for their oversight page; Http404 for anyone else."""
    membership = _membership(user)
    if membership is None or not membership.is_owner:
        raise Http404(NOT_FOUND)
    return RegisterEntry.objects.filter(client__practice_id=membership.practice_id)
