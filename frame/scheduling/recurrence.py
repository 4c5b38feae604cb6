"""Regular slots as wall-clock times in the practice's time zone, turned into exact instants.

Pure: no Django. A weekly slot is "Tuesdays at 10:00 in Europe/London", not "every 168 hours":
the rule runs on local (naive) date-times with dateutil's rrule, and each occurrence is then
placed in the time zone with zoneinfo. So a 10:00 session stays at 10:00 after the clocks change,
and its instant in UTC moves by an hour instead.

A local time that does not exist (the hour skipped when clocks go forward) or that happens twice
(the hour repeated when they go back) is refused rather than guessed: a session at 01:30 on the
last Sunday of March is a typing mistake far more often than a plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

# python-dateutil ships no type information (types-python-dateutil is not a dependency).
from dateutil.rrule import WEEKLY, rrule  # type: ignore[import-untyped]

UTC = dt.UTC

# The time unit of the diary: sessions start on, and last for, whole multiples of it. The
# database keeps one row per practitioner per unit booked, which is what makes double booking
# impossible (see docs/decisions/0008-double-booking-prevented-by-time-units.md).
UNIT_MINUTES = 5
UNIT_SECONDS = UNIT_MINUTES * 60
LONGEST_APPOINTMENT_MINUTES = 8 * 60


class LocalTimeProblem(ValueError):
    """A wall-clock time that cannot stand for exactly one instant."""

    def __init__(self, message: str, *, day: dt.date, time: dt.time) -> None:
        super().__init__(message)
        self.day = day
        self.time = time


class NonExistentTime(LocalTimeProblem):
    pass


class AmbiguousTime(LocalTimeProblem):
    pass


def _clock(time: dt.time) -> str:
    return time.strftime("%H:%M")


def _day(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def to_instant(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The one UTC instant for `time` on `day` in `zone`, or a LocalTimeProblem saying why not."""
    naive = dt.datetime.combine(day, time.replace(tzinfo=None, fold=0))
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        # Either the clocks skipped this time (it round-trips to another wall time) or it
        # happened twice. zoneinfo gives different offsets for fold 0 and 1 in both cases.
        round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        if round_trip != naive:
            raise NonExistentTime(
                f"{_clock(time)} does not exist on {_day(day)}: the clocks go forward that "
                "night. Please choose another time.",
                day=day,
                time=time,
            )
        raise AmbiguousTime(
            f"{_clock(time)} happens twice on {_day(day)}: the clocks go back that night. "
            "Please choose another time.",
            day=day,
            time=time,
        )
    return first.astimezone(UTC)


def local(instant: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    return instant.astimezone(zone)


def is_on_unit(instant: dt.datetime) -> bool:
    return int(instant.timestamp()) % UNIT_SECONDS == 0 and instant.microsecond == 0


def units(starts_at: dt.datetime, ends_at: dt.datetime) -> range:
    """The diary units an appointment occupies: [start, end) in UNIT_MINUTES steps since 1970."""
    if ends_at <= starts_at:
        raise ValueError("An appointment must end after it starts.")
    if not (is_on_unit(starts_at) and is_on_unit(ends_at)):
        raise ValueError(f"Appointments start and end on a {UNIT_MINUTES}-minute mark.")
    return range(
        int(starts_at.timestamp()) // UNIT_SECONDS, int(ends_at.timestamp()) // UNIT_SECONDS
    )


@dataclass(frozen=True)
class SlotRule:
    """A regular slot: every `interval_weeks` weeks from `first_day` at `time`, in `zone`.

    It ends after `count` sessions, on `until` (inclusive), or never (open-ended work).
    """

    first_day: dt.date
    time: dt.time
    zone: ZoneInfo
    interval_weeks: int = 1
    until: dt.date | None = None
    count: int | None = None

    def __post_init__(self) -> None:
        if self.interval_weeks not in (1, 2):
            raise ValueError("A regular slot is weekly or fortnightly.")
        if self.count is not None and self.count < 1:
            raise ValueError("A regular slot has at least one session.")
        if self.until is not None and self.until < self.first_day:
            raise ValueError("A regular slot cannot end before its first session.")
        if self.until is not None and self.count is not None:
            raise ValueError(
                "End a regular slot after a number of sessions or on a date, not both."
            )

    @property
    def weekday(self) -> int:
        return self.first_day.weekday()

    def days(self, *, start: dt.date | None = None, end: dt.date | None = None) -> list[dt.date]:
        """The local dates of the slot from `start` up to `end` (both inclusive, if given).

        Counting (for `count`) always starts from the first session, whatever `start` is.
        """
        last = self.until
        if end is not None:
            last = end if last is None else min(last, end)
        if last is None and self.count is None:
            raise ValueError("An open-ended slot needs an end to the window it is read over.")
        # rrule takes a count or an end, not both (RFC 5545); a window over a counted rule is
        # applied afterwards.
        rule = rrule(
            WEEKLY,
            interval=self.interval_weeks,
            dtstart=dt.datetime.combine(self.first_day, dt.time()),
            until=dt.datetime.combine(last, dt.time()) if self.count is None and last else None,
            count=self.count,
        )
        days = [moment.date() for moment in rule]
        if last is not None:
            days = [day for day in days if day <= last]
        if start is not None:
            days = [day for day in days if day >= start]
        return days

    def occurrences(
        self, *, start: dt.date | None = None, end: dt.date | None = None
    ) -> list[Occurrence]:
        """Each session's date and exact instant. Raises on the first impossible local time."""
        return [
            Occurrence(day=day, starts_at=to_instant(day, self.time, self.zone))
            for day in self.days(start=start, end=end)
        ]

    def problems(
        self, *, start: dt.date | None = None, end: dt.date | None = None
    ) -> list[LocalTimeProblem]:
        """Every date in the window where the slot's time does not exist or happens twice."""
        found: list[LocalTimeProblem] = []
        for day in self.days(start=start, end=end):
            try:
                to_instant(day, self.time, self.zone)
            except LocalTimeProblem as problem:
                found.append(problem)
        return found

    def last_day(self) -> dt.date | None:
        """The date of the final session, or None for open-ended work."""
        if self.until is not None:
            days = self.days()
            return days[-1] if days else None
        if self.count is not None:
            return self.first_day + dt.timedelta(weeks=self.interval_weeks * (self.count - 1))
        return None

    def ending_before(self, day: dt.date) -> SlotRule | None:
        """This rule cut short so its last session falls before `day` (None if nothing is left)."""
        if day <= self.first_day:
            return None
        kept = self.days(end=day - dt.timedelta(days=1))
        if not kept:
            return None
        return SlotRule(
            first_day=self.first_day,
            time=self.time,
            zone=self.zone,
            interval_weeks=self.interval_weeks,
            until=kept[-1],
        )

    def sessions_before(self, day: dt.date) -> int:
        """How many of this rule's sessions fall before `day`."""
        if day <= self.first_day:
            return 0
        return len(self.days(end=day - dt.timedelta(days=1)))


@dataclass(frozen=True)
class Occurrence:
    day: dt.date
    starts_at: dt.datetime


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week `day` falls in."""
    return day - dt.timedelta(days=day.weekday())


def day_bounds(day: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The instants a local day starts and ends (23 or 25 hours long on clock-change days)."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone).astimezone(UTC)
    return start, end


def days_bounds(first: dt.date, last: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """From the start of local day `first` to the end of local day `last`."""
    return day_bounds(first, zone)[0], day_bounds(last, zone)[1]
