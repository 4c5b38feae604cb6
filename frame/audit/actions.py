"""Writing to the audit trail. Every action in Frame calls `record` inside its own transaction."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from frame.audit.models import GENESIS_HASH, Action, AuditEvent
from frame.lib.requestcontext import current

# Any constant works; it names the one advisory lock that serialises appends on PostgreSQL.
_CHAIN_LOCK_KEY = 0x4652414D45  # "FRAME"


def _lock_chain() -> None:
    # Appends must be serialised, or two writers would both read the same last row and one would
    # fail on the primary key. SQLite runs every transaction as BEGIN IMMEDIATE, which already
    # holds the database's write lock. On PostgreSQL the transaction-scoped advisory lock is held
    # until commit, so the next writer reads this row as "last" (READ COMMITTED takes a fresh
    # snapshot per statement) and `seq` stays gap-free without a sequence.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def record(
    *,
    action: Action,
    actor: Any = None,
    target: models.Model | None = None,
    client: Any = None,
    practice_id: int | None = None,
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
    actor_role: str = "",
) -> AuditEvent:
    """Append one event to the chain. Pass names of things in `detail`, never clinical text."""
    action = Action(action)  # ValueError for an action nobody declared
    context = current()
    # Hash exactly what the database will give back: JSON round-tripped (tuples become lists), and
    # anything that is not plain JSON is refused here rather than breaking verification later.
    detail = json.loads(json.dumps(detail or {}, sort_keys=True, allow_nan=False))
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        if actor is not None and not actor_role:
            actor_role = getattr(actor, "role_name", "") or ""
        if practice_id is None and actor is not None:
            practice_id = getattr(actor, "practice_id_for_audit", None)
        event = AuditEvent(
            seq=seq,
            occurred_at=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            actor_role=actor_role,
            practice_id=practice_id,
            action=action,
            outcome=outcome,
            object_type=target._meta.label_lower if target is not None else "",
            object_id=str(target.pk) if target is not None else "",
            client_id=str(getattr(client, "pk", client) or ""),
            request_id=context.request_id,
            source_ip=context.source_ip,
            detail=detail,
            prev_hash=prev_hash,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
    return event
