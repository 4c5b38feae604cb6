"""The structured terms of a client's contract, read by scheduling, billing and reminders.

Pure data: no Django. The contracts app stores a practice's defaults and each client's overrides
and turns them into a `Terms` (see `frame.contracts.selectors.terms_for`); other apps only read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Frequency(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    OTHER = "other"


@dataclass(frozen=True)
class Terms:
    session_minutes: int = 50
    frequency: Frequency = Frequency.WEEKLY
    fee_pence: int = 6000
    # Cancelling with less notice than this may be charged at `late_cancellation_charge_percent`.
    cancellation_notice_hours: int = 48
    late_cancellation_charge_percent: int = 100
    did_not_attend_charge_percent: int = 100
    # Lateness the practitioner waits through; the session still ends at the usual time.
    lateness_grace_minutes: int = 15
    # How much notice the practitioner aims to give of their own planned breaks.
    break_notice_weeks: int = 4
    # Time-limited work: the agreed number of sessions; None for open-ended work.
    planned_sessions: int | None = None
    review_every_sessions: int = 6
    response_time_working_days: int = 2
    retention_years: int = 7
    professional_body: str = ""
    supervisor_arrangement: str = ""


DEFAULT_TERMS = Terms()
