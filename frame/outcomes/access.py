"""Who may see outcome figures, and whose.

- The service report: an owner sees the whole practice and each practitioner's figures; a
  practitioner sees only the episodes they held the last session of (their own caseload).
  Administrators, supervisors, clients and everyone else get the same 404 as a missing page.
  The report holds counts only, never a client's name or scores.
- One client's episode and FHIR export: clinical, so the care team only, through the clients
  app's access_client.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from frame.accounts.models import Membership, Role
from frame.clients.access import NOT_FOUND_MESSAGE, Section, access_client
from frame.clients.models import Client


@dataclass(frozen=True)
class ReportScope:
    practice_id: int
    user_id: int
    whole_practice: bool  # owners: the practice and each practitioner; otherwise their own


def report_scope(user: Any) -> ReportScope:
    membership: Membership | None = (
        user.active_membership if getattr(user, "is_authenticated", False) else None
    )
    if membership is None or membership.role not in {Role.OWNER, Role.PRACTITIONER}:
        raise Http404(NOT_FOUND_MESSAGE)
    return ReportScope(
        practice_id=membership.practice_id,
        user_id=user.pk,
        whole_practice=membership.role == Role.OWNER,
    )


def access_client_for_outcomes(user: Any, client_id: Any) -> Client:
    return access_client(user, client_id, section=Section.CLINICAL)
