"""Rhythm indicators: how the regular work has actually gone, as plain facts.

Pure: no Django. Nothing here scores, grades or colours anything: the card says what happened
("8 of 10 sessions held were in the agreed slot") and leaves the meaning to the practitioner.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from frame.scheduling.attendance_rules import describe_notice

WINDOW_WEEKS = 12


class Initiator(StrEnum):
    CLIENT = "client"
    PRACTITIONER = "practitioner"


@dataclass(frozen=True)
class Held:
    """A session that took place: was it in the agreed slot, at the slot's time?"""

    in_agreed_slot: bool


@dataclass(frozen=True)
class Change:
    """A cancellation or a move, who asked for it, and how much notice was given."""

    initiator: Initiator
    cancelled: bool  # False for a move
    notice: dt.timedelta


@dataclass(frozen=True)
class NoticeSummary:
    count: int
    shortest: dt.timedelta | None
    median: dt.timedelta | None

    def describe(self) -> str:
        if not self.count or self.shortest is None or self.median is None:
            return "none"
        if self.count == 1:
            return describe_notice(self.shortest)
        return (
            f"typically {describe_notice(self.median)}, "
            f"the shortest {describe_notice(self.shortest)}"
        )


@dataclass(frozen=True)
class Rhythm:
    weeks: int
    held: int
    held_in_slot: int
    has_slot: bool
    client_cancellations: int
    client_moves: int
    practitioner_cancellations: int
    practitioner_moves: int
    did_not_attend: int
    client_notice: NoticeSummary
    practitioner_notice: NoticeSummary

    @property
    def client_changes(self) -> int:
        return self.client_cancellations + self.client_moves

    @property
    def practitioner_changes(self) -> int:
        return self.practitioner_cancellations + self.practitioner_moves

    @property
    def slot_share_percent(self) -> int | None:
        if not self.held:
            return None
        return round(100 * self.held_in_slot / self.held)

    @property
    def is_empty(self) -> bool:
        return not (
            self.held or self.client_changes or self.practitioner_changes or self.did_not_attend
        )


def _notice(changes: list[Change]) -> NoticeSummary:
    notices = sorted(change.notice for change in changes)
    if not notices:
        return NoticeSummary(0, None, None)
    median_seconds = statistics.median(n.total_seconds() for n in notices)
    return NoticeSummary(len(notices), notices[0], dt.timedelta(seconds=median_seconds))


def summarise(
    held: Iterable[Held],
    changes: Iterable[Change],
    *,
    did_not_attend: int,
    has_slot: bool,
    weeks: int = WINDOW_WEEKS,
) -> Rhythm:
    held = list(held)
    changes = list(changes)
    by_client = [c for c in changes if c.initiator == Initiator.CLIENT]
    by_practitioner = [c for c in changes if c.initiator == Initiator.PRACTITIONER]
    return Rhythm(
        weeks=weeks,
        held=len(held),
        held_in_slot=sum(1 for h in held if h.in_agreed_slot),
        has_slot=has_slot,
        client_cancellations=sum(1 for c in by_client if c.cancelled),
        client_moves=sum(1 for c in by_client if not c.cancelled),
        practitioner_cancellations=sum(1 for c in by_practitioner if c.cancelled),
        practitioner_moves=sum(1 for c in by_practitioner if not c.cancelled),
        did_not_attend=did_not_attend,
        client_notice=_notice(by_client),
        practitioner_notice=_notice(by_practitioner),
    )
