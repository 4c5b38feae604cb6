"""Read-only queries over the audit trail for the owner's reports. Keyset-paginated by seq."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from frame.audit.models import AuditEvent


@dataclass(frozen=True)
class EventPage:
    events: list[AuditEvent]
    actor_names: dict[int, str]
    next_before: int | None  # pass as ?before= to get the next (older) page


def _page(qs: QuerySet[AuditEvent], *, before: int | None, limit: int) -> EventPage:
    if before is not None:
        qs = qs.filter(seq__lt=before)
    events = list(qs.order_by("-seq")[: limit + 1])
    more = len(events) > limit
    events = events[:limit]
    actor_ids = {e.actor_id for e in events if e.actor_id is not None}
    names = dict(get_user_model().objects.filter(pk__in=actor_ids).values_list("pk", "full_name"))
    return EventPage(events=events, actor_names=names, next_before=events[-1].seq if more else None)


def events_for_client(
    *, practice_id: int, client_id: str, before: int | None = None, limit: int = 50
) -> EventPage:
    """Everything anyone in the practice did with this client's record, newest first."""
    qs = AuditEvent.objects.filter(practice_id=practice_id, client_id=str(client_id))
    return _page(qs, before=before, limit=limit)


def events_for_actor(
    *, practice_id: int, actor_id: int, before: int | None = None, limit: int = 50
) -> EventPage:
    """Everything this person did in the practice, newest first."""
    qs = AuditEvent.objects.filter(practice_id=practice_id, actor_id=actor_id)
    return _page(qs, before=before, limit=limit)
