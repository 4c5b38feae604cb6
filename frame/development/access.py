"""The only sanctioned way to reach a practitioner's journal and CPD record.

Both are the practitioner's alone. Anyone without client work (administrators, supervisors),
and anyone asking for another person's entry — a colleague or the practice owner included —
gets the same 404 as for something that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from frame.accounts.models import Membership
from frame.clients.access import Section, access_client, clients_for, parse_id
from frame.clients.models import Client
from frame.development.models import CpdActivity, JournalEntry

NOT_FOUND = "Nothing here."


def clinical_membership(user: Any) -> Membership | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    membership: Membership | None = user.active_membership
    return membership if membership is not None and membership.is_clinical else None


def require_practitioner(user: Any) -> Membership:
    """Journal and CPD pages exist only for people who do client work."""
    membership = clinical_membership(user)
    if membership is None:
        raise Http404(NOT_FOUND)
    return membership


def journal_for(user: Any) -> QuerySet[JournalEntry]:
    if clinical_membership(user) is None:
        return JournalEntry.objects.none()
    return JournalEntry.objects.filter(author=user)


def access_journal_entry(user: Any, entry_id: Any) -> JournalEntry:
    try:
        entry: JournalEntry = (
            journal_for(user).select_related("client").get(pk=parse_id(entry_id, NOT_FOUND))
        )
    except JournalEntry.DoesNotExist:
        raise Http404(NOT_FOUND) from None
    return entry


def access_journal_client(user: Any, client_id: Any) -> Client:
    """A client whose care team `user` is on, for the subject-access review of their journal."""
    require_practitioner(user)
    return access_client(user, client_id, section=Section.CLINICAL)


def taggable_client(user: Any, case_code: str) -> Client | None:
    """The client with this case code, if `user` is on its care team (one query)."""
    code = case_code.strip().upper()
    if not code:
        return None
    found: Client | None = (
        clients_for(user, section=Section.CLINICAL).filter(case_code=code).first()
    )
    return found


def cpd_for(user: Any) -> QuerySet[CpdActivity]:
    if clinical_membership(user) is None:
        return CpdActivity.objects.none()
    return CpdActivity.objects.filter(practitioner=user)


def access_cpd_activity(user: Any, activity_id: Any) -> CpdActivity:
    try:
        activity: CpdActivity = cpd_for(user).get(pk=parse_id(activity_id, NOT_FOUND))
    except CpdActivity.DoesNotExist:
        raise Http404(NOT_FOUND) from None
    return activity
