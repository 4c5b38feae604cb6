"""What happened to a session, judged against the client's agreed terms: charged or not, and why.

Pure: no Django. `evaluate` returns a Verdict whose `rule` is the sentence Frame shows beside the
outcome (and billing later reads), so the practitioner and the client can always see which part of
their agreement was applied. Frame records and explains; the practitioner can always waive a
charge in billing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from frame.contracts.terms import Terms


class Outcome(StrEnum):
    ATTENDED = "attended"
    LATE = "late"
    CANCELLED_BY_CLIENT = "cancelled_by_client"
    DID_NOT_ATTEND = "did_not_attend"
    CANCELLED_BY_PRACTITIONER = "cancelled_by_practitioner"
    MOVED_BY_CLIENT = "moved_by_client"
    MOVED_BY_PRACTITIONER = "moved_by_practitioner"


HELD = frozenset({Outcome.ATTENDED, Outcome.LATE})
CANCELLED = frozenset({Outcome.CANCELLED_BY_CLIENT, Outcome.CANCELLED_BY_PRACTITIONER})
NEEDS_NOTICE = frozenset(
    {
        Outcome.CANCELLED_BY_CLIENT,
        Outcome.CANCELLED_BY_PRACTITIONER,
        Outcome.MOVED_BY_CLIENT,
        Outcome.MOVED_BY_PRACTITIONER,
    }
)
BY_CLIENT = frozenset(
    {Outcome.CANCELLED_BY_CLIENT, Outcome.MOVED_BY_CLIENT, Outcome.DID_NOT_ATTEND}
)
BY_PRACTITIONER = frozenset({Outcome.CANCELLED_BY_PRACTITIONER, Outcome.MOVED_BY_PRACTITIONER})


@dataclass(frozen=True)
class Verdict:
    chargeable: bool
    charge_percent: int
    rule: str


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def possessive(amount: str) -> str:
    """ "3 days'", "1 hour's": the possessive of an amount of time."""
    return f"{amount}'" if amount.endswith("s") else f"{amount}'s"


def describe_notice(notice: dt.timedelta) -> str:
    """ "3 days' notice", "20 hours' notice", "45 minutes' notice", "no notice"."""
    minutes = int(notice.total_seconds() // 60)
    if minutes <= 0:
        return "no notice"
    if minutes < 60:
        amount = plural(minutes, "minute")
    elif minutes < 72 * 60:
        amount = plural(minutes // 60, "hour")
    else:
        amount = plural(minutes // (24 * 60), "day")
    return f"{possessive(amount)} notice"


def _hours(count: int) -> str:
    return plural(count, "hour")


def evaluate(
    outcome: Outcome,
    terms: Terms,
    *,
    notice: dt.timedelta | None = None,
    minutes_late: int | None = None,
) -> Verdict:
    """Whether `outcome` is charged under `terms`, and the rule that decided it.

    `notice` is the time between being told and the session's start (cancellations and moves).
    `minutes_late` is how late the client arrived (LATE only).
    """
    if outcome == Outcome.ATTENDED:
        return Verdict(True, 100, "Session held: the usual fee applies.")

    if outcome == Outcome.LATE:
        if minutes_late is None or minutes_late < 1:
            raise ValueError("A late arrival needs the minutes late.")
        late = plural(minutes_late, "minute")
        grace = possessive(plural(terms.lateness_grace_minutes, "minute"))
        if minutes_late <= terms.lateness_grace_minutes:
            detail = f"{late} late, within the agreed {grace} wait"
        else:
            detail = f"{late} late, beyond the agreed {grace} wait"
        return Verdict(
            True,
            100,
            f"Session held ({detail}); it ends at the usual time and the usual fee applies.",
        )

    if outcome == Outcome.DID_NOT_ATTEND:
        percent = terms.did_not_attend_charge_percent
        if percent == 0:
            return Verdict(False, 0, "Did not attend: the agreement sets no charge for this.")
        return Verdict(
            True, percent, f"Did not attend: the agreement charges {percent}% of the fee."
        )

    if notice is None:
        raise ValueError(f"{outcome} needs the notice given.")
    given = describe_notice(notice)
    required = _hours(terms.cancellation_notice_hours)

    if outcome == Outcome.CANCELLED_BY_PRACTITIONER:
        return Verdict(
            False, 0, f"Cancelled by the practitioner with {given}: never charged to the client."
        )
    if outcome == Outcome.MOVED_BY_PRACTITIONER:
        return Verdict(
            False, 0, f"Moved by the practitioner with {given}: never charged to the client."
        )
    if outcome == Outcome.MOVED_BY_CLIENT:
        return Verdict(
            False,
            0,
            f"Moved at the client's request with {given}: a rearranged session is not charged "
            "as a cancellation.",
        )

    # Cancelled by the client.
    if notice >= dt.timedelta(hours=terms.cancellation_notice_hours):
        return Verdict(
            False,
            0,
            f"Cancelled by the client with {given}; the agreement asks for at least {required}, "
            "so there is no charge.",
        )
    percent = terms.late_cancellation_charge_percent
    if percent == 0:
        return Verdict(
            False,
            0,
            f"Cancelled by the client with {given}, less than the agreed {required}; the "
            "agreement sets no charge for late cancellation.",
        )
    return Verdict(
        True,
        percent,
        f"Cancelled by the client with {given}, less than the agreed {required}: the agreement "
        f"charges {percent}% of the fee.",
    )
