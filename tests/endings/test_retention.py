"""Retention dates: each class runs from the ending, for its own period (pure rules)."""

from __future__ import annotations

import datetime as dt

import pytest

from frame.endings import retention

ENDED = dt.date(2026, 3, 31)


@pytest.mark.parametrize(
    ("ended_on", "years", "date_of_birth", "keep_until", "words"),
    [
        # An adult: the contract's period after the ending.
        (ENDED, 7, dt.date(1980, 5, 1), dt.date(2033, 3, 31), "7 years after the ending"),
        (ENDED, 6, None, dt.date(2032, 3, 31), "6 years after the ending"),
        # A leap day lands on the last day of February.
        (dt.date(2024, 2, 29), 7, None, dt.date(2031, 2, 28), "7 years"),
        # Aged 15 at the end: until the 25th birthday, later than seven years on.
        (ENDED, 7, dt.date(2010, 9, 1), dt.date(2035, 9, 1), "25th birthday"),
        # Aged 17 at the end: until the 26th birthday.
        (ENDED, 7, dt.date(2008, 6, 1), dt.date(2034, 6, 1), "26th birthday"),
        # Aged 17 but a long contract period: the longer of the two wins.
        (ENDED, 10, dt.date(2008, 6, 1), dt.date(2036, 3, 31), "10 years"),
        # 18 on the day the work ended: an adult.
        (ENDED, 7, dt.date(2008, 3, 31), dt.date(2033, 3, 31), "7 years"),
    ],
)
def test_clinical_records_run_from_the_ending(
    ended_on: dt.date, years: int, date_of_birth: dt.date | None, keep_until: dt.date, words: str
) -> None:
    period = retention.clinical_period(ended_on=ended_on, years=years, date_of_birth=date_of_birth)
    assert period.retention_class == "clinical"
    assert period.runs_from == ended_on
    assert period.keep_until == keep_until
    assert words in period.basis


@pytest.mark.parametrize(
    ("ended_on", "months", "keep_until"),
    [
        (ENDED, 12, dt.date(2027, 3, 31)),
        (ENDED, 3, dt.date(2026, 6, 30)),
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2026, 11, 15), 2, dt.date(2027, 1, 15)),
    ],
)
def test_process_notes_run_for_the_practice_period(
    ended_on: dt.date, months: int, keep_until: dt.date
) -> None:
    period = retention.process_period(ended_on=ended_on, months=months)
    assert (period.retention_class, period.runs_from, period.keep_until) == (
        "process",
        ended_on,
        keep_until,
    )


def test_every_class_gets_a_period() -> None:
    periods = retention.periods_for(
        ended_on=ENDED, clinical_years=7, process_months=12, date_of_birth=None
    )
    assert [p.retention_class for p in periods] == ["clinical", "process"]
