"""The hash chain: intact chains verify; edits, deletions and a removed tail are each caught.

`audit_unlocked()` stands in for an attacker who got past the append-only triggers.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.db.models import F

from frame.audit import chain
from frame.audit.actions import record
from frame.audit.maintenance import audit_unlocked
from frame.audit.models import Action, AuditEvent


def write(n: int) -> None:
    for i in range(n):
        record(
            action=Action.CLIENT_VIEWED,
            client="5b0c8e52-44a9-4d7e-9a53-4f3f3c7c2d10",
            detail={"section": "contact", "n": i},
        )


@pytest.fixture
def ten(db: Any) -> None:
    write(10)


def test_an_intact_chain_verifies(ten: None) -> None:
    result = chain.verify()
    assert result.intact
    assert result.events == 10
    assert result.head.seq == 10
    assert result.head.hash == AuditEvent.objects.get(seq=10).hash


def test_an_empty_trail_verifies(db: Any) -> None:
    result = chain.verify()
    assert result.intact and result.events == 0 and result.head.seq == 0


def test_each_hash_covers_the_previous_one(ten: None) -> None:
    events = list(AuditEvent.objects.order_by("seq"))
    assert events[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))


@pytest.mark.parametrize(
    "change",
    [
        {"detail": {"section": "notes", "n": 3}},
        {"actor_id": 99},
        {"action": Action.CLIENT_UPDATED},
        {"occurred_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)},
        {"hash": "f" * 64},
    ],
    ids=["detail", "actor", "action", "time", "hash"],
)
def test_an_edited_row_is_named(ten: None, change: dict[str, Any]) -> None:
    with audit_unlocked():
        AuditEvent.objects.filter(seq=4).update(**change)
    result = chain.verify()
    assert result.problem is not None
    assert result.problem.seq == 4
    assert "Event 4 has been altered" in result.problem.message


def test_a_deleted_middle_row_is_named(ten: None) -> None:
    with audit_unlocked():
        AuditEvent.objects.filter(seq=6).delete()
    result = chain.verify()
    assert result.problem is not None
    assert result.problem.seq == 6
    assert "event 6 is missing" in result.problem.message


def test_several_deleted_rows_are_named_from_the_first(ten: None) -> None:
    with audit_unlocked():
        AuditEvent.objects.filter(seq__in=[3, 4, 5]).delete()
    problem = chain.verify().problem
    assert problem is not None
    assert problem.seq == 3
    assert "events 3 to 5 are missing" in problem.message


def test_a_deleted_first_row_is_named(ten: None) -> None:
    with audit_unlocked():
        AuditEvent.objects.filter(seq=1).delete()
    problem = chain.verify().problem
    assert problem is not None and problem.seq == 1


def test_a_row_replaced_with_a_self_consistent_forgery_breaks_the_next_link(ten: None) -> None:
    forged = AuditEvent.objects.get(seq=5)
    forged.detail = {"section": "nothing to see"}
    forged.prev_hash = AuditEvent.objects.get(seq=4).hash
    forged.hash = forged.compute_hash()  # row 5 now checks out on its own
    with audit_unlocked():
        AuditEvent.objects.filter(seq=5).update(detail=forged.detail, hash=forged.hash)
    problem = chain.verify().problem
    assert problem is not None
    assert problem.seq == 6
    assert "does not follow on" in problem.message


def test_a_removed_tail_is_caught_against_the_exported_head(ten: None) -> None:
    head = chain.verify().head
    with audit_unlocked():
        AuditEvent.objects.filter(seq__gt=7).delete()

    # From inside the database alone, a shorter chain looks whole: that is why the head is exported.
    assert chain.verify().intact

    problem = chain.verify(expected_head=head).problem
    assert problem is not None
    assert problem.seq == 8
    assert "events 8 to 10 are missing" in problem.message


def test_a_single_removed_last_row_is_caught(ten: None) -> None:
    head = chain.verify().head
    with audit_unlocked():
        AuditEvent.objects.filter(seq=10).delete()
    problem = chain.verify(expected_head=head).problem
    assert problem is not None
    assert problem.seq == 10
    assert "event 10 is missing" in problem.message


def test_a_chain_rewritten_from_the_middle_is_caught_against_the_head(ten: None) -> None:
    head = chain.verify().head
    # Edit row 4 and recompute every later hash, so the chain is consistent within itself.
    with audit_unlocked():
        previous = AuditEvent.objects.get(seq=3).hash
        for event in AuditEvent.objects.filter(seq__gte=4).order_by("seq"):
            if event.seq == 4:
                event.detail = {"section": "rewritten"}
            event.prev_hash = previous
            event.hash = event.compute_hash()
            event.save(update_fields=["detail", "prev_hash", "hash"])
            previous = event.hash
    assert chain.verify().intact
    problem = chain.verify(expected_head=head).problem
    assert problem is not None
    assert problem.seq == 10
    assert "rewritten" in problem.message


def test_events_written_after_the_head_are_fine(ten: None) -> None:
    head = chain.verify().head
    write(3)
    result = chain.verify(expected_head=head)
    assert result.intact and result.head.seq == 13


def test_verification_reads_in_batches(ten: None, django_assert_num_queries: Any) -> None:
    # 10 rows in batches of 3: four reads (3, 3, 3, 1), never the whole table at once.
    with django_assert_num_queries(4):
        assert chain.verify(batch_size=3).intact


def test_a_gap_on_a_batch_boundary_is_found(ten: None) -> None:
    with audit_unlocked():
        AuditEvent.objects.filter(seq=4).delete()
    problem = chain.verify(batch_size=3).problem
    assert problem is not None and problem.seq == 4


def test_renumbering_after_a_deletion_is_caught(ten: None) -> None:
    with audit_unlocked():
        AuditEvent.objects.filter(seq=3).delete()
        for seq in range(4, 11):  # one at a time, so the primary key never collides
            AuditEvent.objects.filter(seq=seq).update(seq=F("seq") - 1)
    problem = chain.verify().problem
    assert problem is not None
    assert problem.seq == 3
    assert "does not follow on" in problem.message


def test_detail_is_stored_as_plain_json_so_the_hash_survives_a_reload(db: Any) -> None:
    record(action=Action.CLIENT_UPDATED, detail={"fields": ("email", "phone")})
    event = AuditEvent.objects.get()
    assert event.detail == {"fields": ["email", "phone"]}
    assert chain.verify().intact


def test_detail_that_is_not_plain_json_is_refused_before_writing(db: Any) -> None:
    with pytest.raises(TypeError):
        record(action=Action.CLIENT_UPDATED, detail={"when": dt.date(2026, 1, 1)})
    assert not AuditEvent.objects.exists()
