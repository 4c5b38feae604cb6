"""CPD years and their totals. Pure: no Django, so it can be tested quickly and thoroughly.

A CPD year starts on a day the practitioner chooses (1 January by default, or the anniversary of
their registration, which is when professional bodies ask for the record). A start of 29 February
is not offered: the year would have no start in three years out of four.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

MONTH_NAMES = list(calendar.month_name)[1:]


@dataclass(frozen=True)
class YearStart:
    month: int = 1
    day: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError("A month is from 1 to 12.")
        if not 1 <= self.day <= calendar.monthrange(2023, self.month)[1]:  # 2023: not a leap year
            raise ValueError("That day does not exist in that month every year.")

    @property
    def is_calendar(self) -> bool:
        return (self.month, self.day) == (1, 1)


@dataclass(frozen=True)
class CpdYear:
    starts: dt.date
    ends: dt.date  # inclusive

    @property
    def key(self) -> int:
        """The calendar year the CPD year starts in: how it is named in addresses."""
        return self.starts.year

    @property
    def label(self) -> str:
        if (self.starts.month, self.starts.day) == (1, 1):
            return str(self.starts.year)
        return f"{_day(self.starts)} to {_day(self.ends)}"


def _day(day: dt.date) -> str:
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def year_starting(key: int, start: YearStart) -> CpdYear:
    starts = dt.date(key, start.month, start.day)
    next_start = dt.date(key + 1, start.month, start.day)
    return CpdYear(starts=starts, ends=next_start - dt.timedelta(days=1))


def year_of(day: dt.date, start: YearStart) -> CpdYear:
    key = day.year if (day.month, day.day) >= (start.month, start.day) else day.year - 1
    return year_starting(key, start)


@dataclass
class YearTotal:
    year: CpdYear
    hours: Decimal = Decimal("0")
    activities: int = 0
    by_kind: dict[str, Decimal] = field(default_factory=dict)


def totals(rows: Iterable[tuple[dt.date, Decimal, str]], start: YearStart) -> list[YearTotal]:
    """Hours per CPD year (newest first), and per kind within each year."""
    found: dict[int, YearTotal] = {}
    for day, hours, kind in rows:
        year = year_of(day, start)
        total = found.setdefault(year.key, YearTotal(year=year))
        total.hours += hours
        total.activities += 1
        total.by_kind[kind] = total.by_kind.get(kind, Decimal("0")) + hours
    return [found[key] for key in sorted(found, reverse=True)]
