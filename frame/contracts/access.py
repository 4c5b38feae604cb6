"""The only sanctioned way to fetch contract records for a staff member.

A client's contract, agreements and preferences are part of the clinical record: only the care
team sees them (through `frame.clients.access`). Communication preferences are the exception
administrators share, because they book and remind. Practice templates and default terms are
seen by the practice's clinicians and changed only by its owners. Everything else is the same
404 as a missing page.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from frame.accounts.models import Membership
from frame.clients.access import NOT_FOUND_MESSAGE, Section, access_client, parse_id
from frame.clients.models import Client
from frame.contracts.models import Agreement, ContractTemplate


def clinical_membership(user: Any) -> Membership:
    """The user's membership if they are a practitioner or owner; otherwise Http404."""
    membership: Membership | None = getattr(user, "active_membership", None)
    if membership is None or not membership.is_clinical:
        raise Http404(NOT_FOUND_MESSAGE)
    return membership


def owner_membership(user: Any) -> Membership:
    membership = clinical_membership(user)
    if not membership.is_owner:
        raise Http404(NOT_FOUND_MESSAGE)
    return membership


def access_template(user: Any, template_id: Any, *, to_edit: bool = False) -> ContractTemplate:
    """A contract template of the user's practice; editing needs an owner."""
    membership = owner_membership(user) if to_edit else clinical_membership(user)
    try:
        return ContractTemplate.objects.get(
            practice_id=membership.practice_id, pk=parse_id(template_id)
        )
    except ContractTemplate.DoesNotExist:
        raise Http404(NOT_FOUND_MESSAGE) from None


def access_contract_client(user: Any, client_id: Any) -> Client:
    """A client whose contract the user may see and change: the care team only."""
    return access_client(user, client_id, section=Section.CLINICAL)


def access_communication_client(user: Any, client_id: Any) -> Client:
    """A client whose reminder and calendar preferences the user may see and change."""
    return access_client(user, client_id, section=Section.CONTACT)


def access_agreement(user: Any, client_id: Any, agreement_id: Any) -> Agreement:
    client = access_contract_client(user, client_id)
    try:
        agreement = Agreement.objects.select_related("version__template", "recorded_by").get(
            client=client, pk=parse_id(agreement_id)
        )
    except Agreement.DoesNotExist:
        raise Http404(NOT_FOUND_MESSAGE) from None
    agreement.client = client  # already loaded and access-checked
    return agreement
