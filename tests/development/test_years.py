"""CPD years: which year a day falls in, and the totals, for calendar and registration years."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frame.development import years


def test_a_calendar_year_is_named_by_its_number() -> None:
    year = years.year_of(dt.date(2026, 6, 30), years.YearStart())
    assert (year.starts, year.ends, year.label) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
        "2026",
    )


def test_a_registration_year_runs_from_its_start_to_the_day_before_the_next() -> None:
    start = years.YearStart(month=4, day=6)
    assert years.year_of(dt.date(2026, 4, 5), start).starts == dt.date(2025, 4, 6)
    year = years.year_of(dt.date(2026, 4, 6), start)
    assert (year.starts, year.ends) == (dt.date(2026, 4, 6), dt.date(2027, 4, 5))
    assert year.label == "6 April 2026 to 5 April 2027"


@pytest.mark.parametrize(("month", "day"), [(2, 29), (4, 31), (13, 1), (0, 1), (1, 0)])
def test_starts_that_do_not_exist_every_year_are_refused(month: int, day: int) -> None:
    with pytest.raises(ValueError):
        years.YearStart(month=month, day=day)


def test_totals_add_up_per_year_and_per_kind_newest_first() -> None:
    start = years.YearStart(month=9, day=1)
    rows = [
        (dt.date(2025, 8, 31), Decimal("2.5"), "reading"),
        (dt.date(2025, 9, 1), Decimal("6"), "course"),
        (dt.date(2026, 3, 1), Decimal("1.25"), "reading"),
        (dt.date(2026, 3, 2), Decimal("0.75"), "reading"),
    ]
    found = years.totals(rows, start)
    assert [t.year.key for t in found] == [2025, 2024]
    assert found[0].hours == Decimal("8.00") and found[0].activities == 3
    assert found[0].by_kind == {"course": Decimal("6"), "reading": Decimal("2.00")}
    assert found[1].hours == Decimal("2.5")


@given(
    day=st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31)),
    month=st.integers(1, 12),
    start_day=st.integers(1, 28),
)
def test_every_day_falls_in_exactly_the_year_that_contains_it(
    day: dt.date, month: int, start_day: int
) -> None:
    start = years.YearStart(month=month, day=start_day)
    year = years.year_of(day, start)
    assert year.starts <= day <= year.ends
    assert years.year_starting(year.key + 1, start).starts == year.ends + dt.timedelta(days=1)
