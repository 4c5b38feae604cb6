"""The professional-body rules for supervision: creditable minutes and the monthly requirement.

Pure: no Django. Source: BACP, summarised in docs/shared clinical-domain §3.3 —

* "Group supervision credit: groups of ≤4 → claim half the time; ≥5 → time ÷ number in group
  (peer groups: count all members; do not count the facilitator)."
  <https://www.bacp.co.uk/membership/accredited-membership/apply-for-individual-accreditation/supervision/>
* Students, members counting hours towards accreditation, and accredited members seeing clients:
  "minimum 1.5 hours per (calendar) month, regardless of caseload"; students on accredited course
  placements: "1 hour per 8 hours of client work, ≥1.5 h/month, at least fortnightly"; "peer
  supervision not acceptable for students". <https://www.bacp.co.uk/supervision/>
* "Not acceptable: averaging over the year … each month of practice covered; a month with no
  clients can be a documented break."

Rounding: creditable minutes are kept as exact fractions (90 minutes in a group of 7 is 90/7) and
summed exactly, so a month is judged on the true total. Only for display is a total rounded, and
then *down* to the whole minute: the record never claims more credit than was earned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

DEFAULT_MONTHLY_MINUTES = 90  # 1.5 hours per calendar month
STUDENT_CLIENT_MINUTES_PER_SUPERVISION_MINUTE = 8  # 1 hour of supervision per 8 client hours
STUDENT_LONGEST_GAP_DAYS = 14  # "at least fortnightly"
SMALL_GROUP_LIMIT = 4  # groups of 4 or fewer claim half the time
LONGEST_SUPERVISION_MINUTES = 24 * 60


class Kind(StrEnum):
    INDIVIDUAL = "individual"
    GROUP = "group"
    PEER = "peer"
    ONLINE = "online"
    PHONE = "phone"


# Kinds that take place with others in the room: the group size decides the credit.
GROUP_KINDS = frozenset({Kind.GROUP, Kind.PEER})


class Rule(StrEnum):
    MONTHLY = "monthly"  # a fixed minimum each calendar month (1.5 hours by default)
    STUDENT = "student"  # placement: the monthly minimum, 1 h per 8 client hours, fortnightly


class RuleError(ValueError):
    """Bad input, with a message to show as it is. `field` names the form field at fault."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def check_entry(kind: str, minutes: int, group_size: int | None) -> None:
    """Refuse what cannot be a supervision: no time, or a group of one."""
    if kind not in Kind.__members__.values():
        raise RuleError("Please choose the kind of supervision.", "kind")
    if minutes <= 0:
        raise RuleError("The length must be more than zero minutes.", "minutes")
    if minutes > LONGEST_SUPERVISION_MINUTES:
        raise RuleError("The length cannot be more than a whole day.", "minutes")
    if kind in GROUP_KINDS:
        if group_size is None or group_size < 2:
            raise RuleError(
                "For group or peer supervision, give the number of supervisees in the group "
                "(2 or more, including you, not counting the facilitator).",
                "group_size",
            )
    elif group_size not in (None, 1):
        raise RuleError(
            "Group size is only for group or peer supervision: choose “Group” or “Peer”, or "
            "leave the group size empty.",
            "group_size",
        )


def creditable_minutes(kind: str, minutes: int, group_size: int | None) -> Fraction:
    """The minutes that count: all for one-to-one, half in a group of up to 4, else ÷ group."""
    check_entry(kind, minutes, group_size)
    if kind not in GROUP_KINDS:
        return Fraction(minutes)
    if group_size is not None and group_size <= SMALL_GROUP_LIMIT:  # check_entry insists on one
        return Fraction(minutes, 2)
    return Fraction(minutes, group_size or 1)


def whole_minutes(value: Fraction) -> int:
    """For display only: rounded down, so credit is never overstated."""
    return int(value // 1)


def as_hours(value: Fraction) -> str:
    """'1 h 30 min', '45 min', '2 h' (rounded down to the minute)."""
    total = whole_minutes(value)
    hours, minutes = divmod(total, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    if hours:
        return f"{hours} h"
    return f"{minutes} min"


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def last_day(month: dt.date) -> dt.date:
    return next_month(month) - dt.timedelta(days=1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every calendar month from `first`'s to `last`'s, oldest first."""
    months = []
    month = month_of(first)
    while month <= month_of(last):
        months.append(month)
        month = next_month(month)
    return months


@dataclass(frozen=True)
class Session:
    """One supervision, as the rules need it."""

    held_on: dt.date
    kind: str
    minutes: int
    group_size: int | None = None


@dataclass(frozen=True)
class Requirement:
    rule: Rule = Rule.MONTHLY
    monthly_minutes: int = DEFAULT_MONTHLY_MINUTES

    def counts(self, session: Session) -> Fraction:
        """The credit one session earns under this requirement (peer is not for students)."""
        if self.rule == Rule.STUDENT and session.kind == Kind.PEER:
            return Fraction(0)
        return creditable_minutes(session.kind, session.minutes, session.group_size)


class Status(StrEnum):
    MET = "met"
    SHORT = "short"
    BREAK = "break"
    IN_PROGRESS = "in_progress"


@dataclass(frozen=True)
class MonthResult:
    month: dt.date
    status: Status
    creditable: Fraction
    needed: Fraction
    sessions: int
    client_minutes: int
    reasons: tuple[str, ...] = field(default=())

    @property
    def shortfall(self) -> Fraction:
        return max(self.needed - self.creditable, Fraction(0))


def needed_minutes(requirement: Requirement, client_minutes: int) -> Fraction:
    needed = Fraction(requirement.monthly_minutes)
    if requirement.rule == Rule.STUDENT:
        ratio = Fraction(client_minutes, STUDENT_CLIENT_MINUTES_PER_SUPERVISION_MINUTE)
        needed = max(needed, ratio)
    return needed


def longest_gap(dates: Sequence[dt.date], start: dt.date, end: dt.date) -> int:
    """The longest stretch in days without supervision, from `start` (or the last supervision
    before it, if given in `dates`) to `end`. `dates` sorted; those after `end` are ignored."""
    previous = start
    before = [d for d in dates if d < start]
    if before:
        previous = before[-1]
    gap = 0
    for day in dates:
        if day < start or day > end:
            continue
        gap = max(gap, (day - previous).days)
        previous = day
    return max(gap, (end - previous).days)


def evaluate(
    *,
    months: Iterable[dt.date],
    sessions: Sequence[Session],
    client_minutes: Mapping[dt.date, int],
    breaks: Iterable[dt.date],
    requirement: Requirement,
    today: dt.date,
) -> list[MonthResult]:
    """Judge each month on its own (no averaging across months, as BACP insists).

    `sessions` may include supervisions before the first month: the fortnightly rule looks back
    to the last one. The month in which `today` falls is "in progress" until it ends.
    """
    break_months = {month_of(b) for b in breaks}
    dates = sorted(s.held_on for s in sessions)
    by_month: dict[dt.date, list[Session]] = {}
    for session in sessions:
        by_month.setdefault(month_of(session.held_on), []).append(session)
    results = []
    for month in months:
        month = month_of(month)
        if month > today:
            continue
        held = by_month.get(month, [])
        credit = sum((requirement.counts(s) for s in held), Fraction(0))
        work = int(client_minutes.get(month, 0))
        needed = needed_minutes(requirement, work)
        reasons: list[str] = []
        if credit < needed:
            reasons.append(f"{as_hours(needed - credit)} short of {as_hours(needed)}")
        if requirement.rule == Rule.STUDENT:
            peer = sum(1 for s in held if s.kind == Kind.PEER)
            end = min(last_day(month), today)
            gap = longest_gap(dates, month, end)
            if gap > STUDENT_LONGEST_GAP_DAYS:
                reasons.append(f"{gap} days without supervision (at most 14 for students)")
            if peer:
                reasons.append("peer supervision does not count for students")
        in_progress = month == month_of(today) and today < last_day(month)
        if month in break_months:
            status = Status.BREAK
        elif in_progress:
            status = Status.IN_PROGRESS
        elif any(not r.startswith("peer") for r in reasons):
            status = Status.SHORT
        else:
            status = Status.MET
        results.append(
            MonthResult(
                month=month,
                status=status,
                creditable=credit,
                needed=needed,
                sessions=len(held),
                client_minutes=work,
                reasons=tuple(reasons),
            )
        )
    return results
