"""Checking the audit trail's hash chain, and the head exported outside the database.

Each event's hash covers the previous event's hash and its own canonical content, so:
- an edited row no longer matches its own hash;
- a deleted row leaves a gap in `seq` (or, if later rows were renumbered, a broken link);
- a removed tail is invisible from inside the database, so every successful verification exports
  the head (last seq and hash) to a file, and the next verification compares against it.

The verifier streams rows in `seq` order in batches, so memory stays constant however long the
trail grows.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from frame.audit.models import GENESIS_HASH, AuditEvent

BATCH_SIZE = 2000


class HeadFileError(Exception):
    """The exported head file exists but cannot be trusted to say where the chain ended."""


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str
    recorded_at: str  # ISO 8601, UTC: when this head was last verified and exported

    def to_json(self) -> str:
        return json.dumps(
            {"seq": self.seq, "hash": self.hash, "recorded_at": self.recorded_at}, indent=2
        )


@dataclass(frozen=True)
class Problem:
    seq: int  # the first sequence number that is wrong or missing
    message: str  # plain words for the person running the check


@dataclass(frozen=True)
class Result:
    events: int
    head: Head  # the last event read, whether or not the chain was intact
    problem: Problem | None

    @property
    def intact(self) -> bool:
        return self.problem is None


def verify(
    *,
    expected_head: Head | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> Result:
    """Walk the whole chain and report the first bad sequence number, if any."""
    expected_seq, expected_prev, events = 1, GENESIS_HASH, 0
    last = AuditEvent(seq=0, hash=GENESIS_HASH)
    problem: Problem | None = None
    while problem is None:
        batch = list(AuditEvent.objects.filter(seq__gte=expected_seq).order_by("seq")[:batch_size])
        for event in batch:
            problem = _check(event, expected_seq, expected_prev)
            if problem is not None:
                break
            events += 1
            expected_seq, expected_prev, last = event.seq + 1, event.hash, event
        if progress is not None:
            progress(events)
        if len(batch) < batch_size:
            break
    if problem is None and expected_head is not None:
        problem = _check_against_head(last, expected_head)
    return Result(events=events, head=_head_of(last), problem=problem)


def _check(event: AuditEvent, expected_seq: int, expected_prev: str) -> Problem | None:
    if event.seq != expected_seq:
        missing = (
            f"event {expected_seq} is missing"
            if event.seq == expected_seq + 1
            else f"events {expected_seq} to {event.seq - 1} are missing"
        )
        return Problem(
            expected_seq,
            f"The audit trail has a gap: {missing} (deleted from the database). "
            f"The next event present is {event.seq}.",
        )
    if event.prev_hash != expected_prev:
        return Problem(
            event.seq,
            f"Event {event.seq} does not follow on from the event before it: an earlier event "
            "was deleted or replaced and the rest renumbered.",
        )
    if event.compute_hash() != event.hash:
        return Problem(
            event.seq,
            f"Event {event.seq} has been altered: its contents no longer match its hash.",
        )
    return None


def _check_against_head(last: AuditEvent, head: Head) -> Problem | None:
    if last.seq < head.seq:
        first_missing = last.seq + 1
        missing = (
            f"event {first_missing} is missing"
            if first_missing == head.seq
            else f"events {first_missing} to {head.seq} are missing"
        )
        return Problem(
            first_missing,
            f"The end of the audit trail has been removed: {missing}. The trail reached event "
            f"{head.seq} when it was last verified ({head.recorded_at}), but now ends at "
            f"{last.seq}.",
        )
    if _differs_at(head):
        return Problem(
            head.seq,
            f"Event {head.seq}, or an event before it, has been rewritten: its hash differs from "
            f"the one exported when the trail was last verified ({head.recorded_at}).",
        )
    return None


def _differs_at(head: Head) -> bool:
    if head.seq == 0:
        return False
    stored = AuditEvent.objects.filter(seq=head.seq).values_list("hash", flat=True).first()
    return stored != head.hash


def _head_of(event: AuditEvent) -> Head:
    now = timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds")
    return Head(seq=event.seq, hash=event.hash, recorded_at=now)


# --- The head file --------------------------------------------------------------------------------


def read_head(path: Path) -> Head | None:
    """The head exported by the last successful verification, or None if there is no file yet."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise HeadFileError(f"The head file {path} cannot be read ({error}).") from None
    try:
        data = json.loads(text)
        head = Head(seq=int(data["seq"]), hash=str(data["hash"]), recorded_at=data["recorded_at"])
    except (ValueError, KeyError, TypeError) as error:
        raise HeadFileError(f"The head file {path} is not in the expected form: {error}.") from None
    if head.seq < 0 or len(head.hash) != 64 or not isinstance(head.recorded_at, str):
        raise HeadFileError(f"The head file {path} is not in the expected form.")
    return head


def write_head(path: Path, head: Head) -> None:
    """Replace the head file atomically, readable only by its owner (mode 0600)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".audit-head-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(head.to_json() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    finally:
        Path(tmp_name).unlink(missing_ok=True)
