"""When each records-retention class starts to run, and the date it runs to. Pure: no Django.

An ending starts every retention clock. The dates are computed once, when the ending is
recorded, and stored with the ending, so a later change of policy never silently moves the
date for a client whose work has already ended (a practice changes it deliberately, later).

Sources (see docs/decisions, note search and endings):
- BACP gives "no simple answer" on retention: a private practitioner sets their own policy and
  tells clients before therapy starts how long notes are kept. The period in the client's
  contract (`Terms.retention_years`, 7 by default) is therefore the clinical period.
- Common UK private practice: adults 6 to 7 years after the last session; under-18s until their
  25th birthday, or 26th if they were 17 when the work ended (the same rule as the NHS Records
  Management Code of Practice 2021 for children's records).
- Process notes: practitioners commonly keep them for a shorter time (one published policy
  deletes them 3 months after the end). Frame's default is 12 months, a practice setting.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

CLINICAL = "clinical"
PROCESS = "process"

DEFAULT_CLINICAL_YEARS = 7
DEFAULT_PROCESS_MONTHS = 12
PROCESS_MONTHS_LIMITS = (1, 120)
ADULT_AGE = 18


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the end of the month when that day does not exist."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, years * 12)


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - int(before_birthday)


@dataclass(frozen=True)
class Period:
    retention_class: str
    runs_from: dt.date
    keep_until: dt.date
    basis: str  # how the date was reached, in plain words (shown on the card and stored)


def clinical_period(*, ended_on: dt.date, years: int, date_of_birth: dt.date | None) -> Period:
    until = add_years(ended_on, years)
    basis = f"{years} years after the ending, the period in the client's contract"
    if date_of_birth is not None:
        age = age_on(date_of_birth, ended_on)
        if age < ADULT_AGE:
            birthday_age = 26 if age == ADULT_AGE - 1 else 25
            birthday = add_years(date_of_birth, birthday_age)
            if birthday > until:
                until = birthday
                basis = (
                    f"until the client's {birthday_age}th birthday: they were {age} when the "
                    "work ended, and a young person's record is kept longer"
                )
    return Period(retention_class=CLINICAL, runs_from=ended_on, keep_until=until, basis=basis)


def process_period(*, ended_on: dt.date, months: int) -> Period:
    return Period(
        retention_class=PROCESS,
        runs_from=ended_on,
        keep_until=add_months(ended_on, months),
        basis=f"{months} months after the ending, the practice's period for process notes",
    )


def periods_for(
    *,
    ended_on: dt.date,
    clinical_years: int,
    process_months: int,
    date_of_birth: dt.date | None,
) -> list[Period]:
    """Every retention class's period for work that ended on `ended_on`."""
    return [
        clinical_period(ended_on=ended_on, years=clinical_years, date_of_birth=date_of_birth),
        process_period(ended_on=ended_on, months=process_months),
    ]
