"""The only sanctioned way to fetch client records for a person.

Owners and practitioners see a client only while they are on its care team. Administrators see
every client in their practice, but only the identity and contact sections: never the referral
reason or anything else clinical. Supervisors see nothing here yet. Anything else — another
practice, not on the care team, a record that does not exist — is the same 404, so a response
never reveals whether someone is a client of the practice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import BigIntegerField, Exists, F, Func, OuterRef, Q, QuerySet
from django.http import Http404

from frame.accounts.models import Membership, Role
from frame.clients.models import CareTeamMember, Client, Person


class Section(StrEnum):
    """Parts of a client record. Later capabilities (notes, measures, risk) are CLINICAL."""

    IDENTITY = "identity"
    CONTACT = "contact"
    CLINICAL = "clinical"


# What an administrator may see: enough to book, remind and invoice, nothing more.
ADMINISTRATIVE_SECTIONS = frozenset({Section.IDENTITY, Section.CONTACT})

NOT_FOUND_MESSAGE = "No client record here."


@dataclass(frozen=True)
class ClientView:
    """A client as one person may see them. Templates show clinical parts only if `clinical`."""

    client: Client
    clinical: bool
    is_owner: bool


def _membership(user: Any) -> Membership | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    membership: Membership | None = user.active_membership
    return membership


def on_care_team(user: Any) -> Exists:
    """An EXISTS test the database runs per client row, using the (client, user) unique index.

    A correlated EXISTS (rather than a join or IN list) keeps the planner walking the client
    index in name order and stopping after one page, instead of gathering a whole caseload.
    """
    return Exists(CareTeamMember.objects.filter(client=OuterRef("pk"), user=user))


class _NotForIndexing(Func):
    """`(+column)`: the same value, but SQLite will not pick an index because of it.

    PostgreSQL evaluates the same (unary plus on an integer) and plans from its statistics.
    """

    template = "(+%(expressions)s)"
    output_field = BigIntegerField()


def clients_for(
    user: Any, *, section: Section = Section.IDENTITY, among: Q | None = None
) -> QuerySet[Client]:
    """Every client `user` may see `section` of. Empty for anyone without such access.

    `among` narrows the result to a condition that picks out few rows through an index of its
    own — a search-key range, or a short list of ids. The practice is then checked row by row
    instead of steering the plan: without statistics SQLite would otherwise walk the whole
    practice in name order to find a handful of matches.
    """
    membership = _membership(user)
    if membership is None:
        return Client.objects.none()
    practice_id = membership.practice_id
    if among is None:
        in_practice = Client.objects.filter(practice_id=practice_id)
    else:
        in_practice = (
            Client.objects.alias(_practice_check=_NotForIndexing(F("practice_id")))
            .filter(_practice_check=practice_id)
            .filter(among)
        )
    if membership.is_clinical:
        return in_practice.filter(on_care_team(user))
    if membership.role == Role.ADMINISTRATOR and section in ADMINISTRATIVE_SECTIONS:
        return in_practice
    return Client.objects.none()


def parse_id(value: Any, message: str = NOT_FOUND_MESSAGE) -> uuid.UUID:
    """A record id from a URL or a form; anything that is not one is a 404, never a 500."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise Http404(message) from None


def access_client(user: Any, client_id: Any, *, section: Section = Section.CLINICAL) -> Client:
    """The client, if `user` may see `section` of it; otherwise Http404.

    The default is CLINICAL, so code that forgets to say what it shows refuses administrators.
    """
    queryset = clients_for(user, section=Section(section))
    try:
        return queryset.get(pk=parse_id(client_id))
    except Client.DoesNotExist:
        raise Http404(NOT_FOUND_MESSAGE) from None


def access_client_view(user: Any, client_id: Any) -> ClientView:
    """The client for the card and edit pages, with what this person may see of it."""
    client = access_client(user, client_id, section=Section.IDENTITY)
    membership = _membership(user)
    if membership is None:  # access_client has already refused; this keeps mypy and readers sure
        raise Http404(NOT_FOUND_MESSAGE)
    return ClientView(client=client, clinical=membership.is_clinical, is_owner=membership.is_owner)


def access_client_for_owner_report(user: Any, client_id: Any) -> Client:
    """For the owner's "who accessed this client" report: any client in the owner's practice.

    The report lists audit events only, never the record itself, so care-team membership is not
    needed; this is how an owner checks on access to records they do not work with.
    """
    membership = _membership(user)
    if membership is None or not membership.is_owner:
        raise Http404(NOT_FOUND_MESSAGE)
    try:
        return Client.objects.get(practice_id=membership.practice_id, pk=parse_id(client_id))
    except Client.DoesNotExist:
        raise Http404(NOT_FOUND_MESSAGE) from None


def access_person(user: Any, client_id: Any, person_id: Any) -> Person:
    """A current (not removed) person in the life of a client `user` may see clinically."""
    client = access_client(user, client_id, section=Section.CLINICAL)
    try:
        person = Person.objects.current().get(client=client, pk=parse_id(person_id))
    except Person.DoesNotExist:
        raise Http404(NOT_FOUND_MESSAGE) from None
    person.client = client  # already loaded and access-checked; saves a query
    return person


def may_see(user: Any, client: Client, section: Section) -> bool:
    """Whether `user` may see `section` of an already-loaded client (for actions' own checks)."""
    return clients_for(user, section=section).filter(pk=client.pk).exists()
