"""Read-side queries for the register, and the legal hold other apps must respect.

Retention and deletion jobs (endings, records) must never destroy, anonymise or export-and-purge
a client's records while any register entry holds them. They ask this module, and nothing else:

    from frame.confidentiality.selectors import held_client_ids, is_held
    to_destroy = [c for c in due if c.pk not in held_client_ids(among=[c.pk for c in due])]

See docs/decisions/ (the confidentiality register's legal hold) for why the hold is always on.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from frame.confidentiality.models import RegisterEntry

HOLD_REASON = (
    "A decision about sharing information without consent is recorded in the confidentiality "
    "register, so these records are kept under a legal hold."
)


def held_client_ids(*, among: Iterable[Any] | None = None) -> set[uuid.UUID]:
    """Ids of clients whose records are under a legal hold from the register.

    `among` narrows the answer to those clients (pass the ones a job is about to act on); without
    it, every held client in every practice. One query either way.
    """
    entries = RegisterEntry.objects.filter(legal_hold=True)
    if among is not None:
        entries = entries.filter(client_id__in=list(among))
    return set(entries.values_list("client_id", flat=True).distinct())


def is_held(client_id: Any) -> bool:
    return RegisterEntry.objects.filter(legal_hold=True, client_id=client_id).exists()


def entries_listed(entries: QuerySet[RegisterEntry]) -> QuerySet[RegisterEntry]:
    """Entries for a list page, newest first, with their author and any correction (one query)."""
    return entries.select_related("author", "corrected_by", "corrects").order_by(
        "-recorded_at", "-id"
    )
