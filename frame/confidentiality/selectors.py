"""Read-side queries for the register, and the legal hold other apps must respect.

Retention and deletion jobs (endings, records) must never destroy, anonymise or export-and-purge
a client's records while any register entry holds them. They ask this module, and nothing else:

    from frame.confidentiality.selectors import held_client_ids, is_held
    to_destroy = [c for c in due if c.pk not in held_client_ids(among=[c.pk for c in due])]

See docs/decisions/ (the confidentiality register's legal hold) for why the hold is always on.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import Case, DateField, Exists, F, OuterRef, QuerySet, Subquery, When

from frame.clients.models import CareTeamMember
from frame.confidentiality.models import FollowUp, RegisterEntry

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


def follow_ups_for(entry: RegisterEntry) -> list[FollowUp]:
    return list(FollowUp.objects.filter(entry=entry).select_related("author"))


def next_review(entry: RegisterEntry, follow_ups: list[FollowUp]) -> dt.date | None:
    """The latest follow-up's review date replaces the entry's; None when none is planned."""
    return follow_ups[-1].next_review_on if follow_ups else entry.review_on


def reviews_due(user: Any, *, until: dt.date) -> QuerySet[RegisterEntry]:
    """`user`'s own current entries (not corrected) whose next review falls on or before `until`,
    for clients they are still on the care team of. Earliest first."""
    membership = getattr(user, "active_membership", None)
    if membership is None or not membership.is_clinical:
        return RegisterEntry.objects.none()
    latest = FollowUp.objects.filter(entry=OuterRef("pk")).order_by("-written_at", "-id")
    on_team = CareTeamMember.objects.filter(
        client=OuterRef("client_id"), user=user, client__practice_id=membership.practice_id
    )
    return (
        RegisterEntry.objects.filter(author=user, corrected_by__isnull=True)
        .filter(Exists(on_team))
        .annotate(
            last_follow_up=Subquery(latest.values("written_at")[:1]),
            follow_up_review=Subquery(latest.values("next_review_on")[:1]),
        )
        .annotate(
            due_on=Case(
                When(last_follow_up__isnull=False, then=F("follow_up_review")),
                default=F("review_on"),
                output_field=DateField(),
            )
        )
        .filter(due_on__isnull=False, due_on__lte=until)
        .select_related("client")
        .order_by("due_on", "id")
    )
