"""Regular slots keep their wall-clock time across the clocks changing, in any time zone."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frame.scheduling import recurrence
from frame.scheduling.recurrence import AmbiguousTime, NonExistentTime, SlotRule

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC
# 2027: clocks go forward at 01:00 UTC on Sunday 28 March, back at 01:00 UTC on Sunday 31 October.
SPRING_2027 = dt.date(2027, 3, 28)
AUTUMN_2027 = dt.date(2027, 10, 31)


def test_a_weekly_slot_keeps_ten_oclock_across_both_2027_clock_changes() -> None:
    # Sundays at 10:00, from before the spring change to after the autumn one.
    rule = SlotRule(first_day=dt.date(2027, 3, 21), time=dt.time(10, 0), zone=LONDON, count=34)
    occurrences = rule.occurrences()

    assert [o.day for o in occurrences][:3] == [
        dt.date(2027, 3, 21),
        SPRING_2027,
        dt.date(2027, 4, 4),
    ]
    assert all(o.starts_at.astimezone(LONDON).time() == dt.time(10, 0) for o in occurrences)
    by_day = {o.day: o.starts_at for o in occurrences}
    # GMT before the spring change: 10:00 local is 10:00 UTC; BST after: 09:00 UTC.
    assert by_day[dt.date(2027, 3, 21)] == dt.datetime(2027, 3, 21, 10, 0, tzinfo=UTC)
    assert by_day[SPRING_2027] == dt.datetime(2027, 3, 28, 9, 0, tzinfo=UTC)
    assert by_day[dt.date(2027, 10, 24)] == dt.datetime(2027, 10, 24, 9, 0, tzinfo=UTC)
    assert by_day[AUTUMN_2027] == dt.datetime(2027, 10, 31, 10, 0, tzinfo=UTC)
    assert by_day[dt.date(2027, 11, 7)] == dt.datetime(2027, 11, 7, 10, 0, tzinfo=UTC)
    # So the gap in real time is 167 hours over the spring change and 169 over the autumn one.
    assert by_day[SPRING_2027] - by_day[dt.date(2027, 3, 21)] == dt.timedelta(hours=167)
    assert by_day[AUTUMN_2027] - by_day[dt.date(2027, 10, 24)] == dt.timedelta(hours=169)


def test_a_fortnightly_tuesday_evening_slot_spans_the_spring_change() -> None:
    rule = SlotRule(
        first_day=dt.date(2027, 3, 16),
        time=dt.time(18, 30),
        zone=LONDON,
        interval_weeks=2,
        until=dt.date(2027, 4, 30),
    )
    assert [(o.day, o.starts_at.time()) for o in rule.occurrences()] == [
        (dt.date(2027, 3, 16), dt.time(18, 30)),  # GMT
        (dt.date(2027, 3, 30), dt.time(17, 30)),  # BST
        (dt.date(2027, 4, 13), dt.time(17, 30)),
        (dt.date(2027, 4, 27), dt.time(17, 30)),
    ]


def test_the_skipped_hour_on_the_spring_night_does_not_exist() -> None:
    with pytest.raises(NonExistentTime, match="does not exist on Sunday 28 March 2027"):
        recurrence.to_instant(SPRING_2027, dt.time(1, 30), LONDON)
    # Either side of the gap is fine.
    assert recurrence.to_instant(SPRING_2027, dt.time(0, 55), LONDON) == dt.datetime(
        2027, 3, 28, 0, 55, tzinfo=UTC
    )
    assert recurrence.to_instant(SPRING_2027, dt.time(2, 0), LONDON) == dt.datetime(
        2027, 3, 28, 1, 0, tzinfo=UTC
    )


def test_the_repeated_hour_on_the_autumn_night_is_refused_rather_than_guessed() -> None:
    with pytest.raises(AmbiguousTime, match="happens twice on Sunday 31 October 2027"):
        recurrence.to_instant(AUTUMN_2027, dt.time(1, 15), LONDON)
    assert recurrence.to_instant(AUTUMN_2027, dt.time(2, 0), LONDON) == dt.datetime(
        2027, 10, 31, 2, 0, tzinfo=UTC
    )


def test_a_slot_names_every_date_its_time_cannot_exist() -> None:
    rule = SlotRule(first_day=dt.date(2027, 3, 7), time=dt.time(1, 30), zone=LONDON, count=40)
    problems = rule.problems()
    assert [(type(p), p.day) for p in problems] == [
        (NonExistentTime, SPRING_2027),
        (AmbiguousTime, AUTUMN_2027),
    ]
    with pytest.raises(NonExistentTime):
        rule.occurrences()


@pytest.mark.parametrize(
    ("zone_name", "day", "time", "expected_utc"),
    [
        # New York changes on 14 March and 7 November 2027.
        ("America/New_York", dt.date(2027, 3, 13), dt.time(9, 0), dt.time(14, 0)),
        ("America/New_York", dt.date(2027, 3, 15), dt.time(9, 0), dt.time(13, 0)),
        # Sydney goes the other way: summer time ends on 4 April 2027.
        ("Australia/Sydney", dt.date(2027, 4, 3), dt.time(9, 0), dt.time(22, 0)),
        ("Australia/Sydney", dt.date(2027, 4, 5), dt.time(9, 0), dt.time(23, 0)),
        # Kathmandu is 5:45 ahead all year: still on the five-minute grid.
        ("Asia/Kathmandu", dt.date(2027, 6, 1), dt.time(9, 0), dt.time(3, 15)),
    ],
)
def test_other_time_zones(
    zone_name: str, day: dt.date, time: dt.time, expected_utc: dt.time
) -> None:
    instant = recurrence.to_instant(day, time, ZoneInfo(zone_name))
    assert instant.timetz().replace(tzinfo=None) == expected_utc
    assert recurrence.is_on_unit(instant)


def test_open_ended_slots_need_a_window() -> None:
    rule = SlotRule(first_day=dt.date(2027, 1, 5), time=dt.time(10), zone=LONDON)
    with pytest.raises(ValueError, match="needs an end"):
        rule.days()
    assert len(rule.days(end=dt.date(2027, 12, 31))) == 52


def test_cutting_a_slot_short_and_counting_before_a_date() -> None:
    rule = SlotRule(first_day=dt.date(2027, 1, 5), time=dt.time(10), zone=LONDON, count=12)
    assert rule.last_day() == dt.date(2027, 3, 23)
    assert rule.sessions_before(dt.date(2027, 2, 2)) == 4
    shortened = rule.ending_before(dt.date(2027, 2, 2))
    assert shortened is not None and shortened.until == dt.date(2027, 1, 26)
    assert len(shortened.days()) == 4
    assert rule.ending_before(dt.date(2027, 1, 5)) is None


def test_bad_rules_are_refused() -> None:
    with pytest.raises(ValueError, match="weekly or fortnightly"):
        SlotRule(first_day=dt.date(2027, 1, 5), time=dt.time(10), zone=LONDON, interval_weeks=3)
    with pytest.raises(ValueError, match="before its first"):
        SlotRule(
            first_day=dt.date(2027, 1, 5), time=dt.time(10), zone=LONDON, until=dt.date(2027, 1, 4)
        )
    with pytest.raises(ValueError, match="not both"):
        SlotRule(
            first_day=dt.date(2027, 1, 5),
            time=dt.time(10),
            zone=LONDON,
            until=dt.date(2027, 2, 4),
            count=3,
        )


def test_units_cover_the_appointment_and_refuse_odd_times() -> None:
    start = dt.datetime(2027, 3, 28, 9, 0, tzinfo=UTC)
    units = recurrence.units(start, start + dt.timedelta(minutes=50))
    assert len(units) == 10
    assert units[0] * recurrence.UNIT_SECONDS == int(start.timestamp())
    with pytest.raises(ValueError, match="end after"):
        recurrence.units(start, start)
    with pytest.raises(ValueError, match="5-minute mark"):
        recurrence.units(start + dt.timedelta(minutes=2), start + dt.timedelta(minutes=52))


def test_day_bounds_on_clock_change_days_are_23_and_25_hours_long() -> None:
    start, end = recurrence.day_bounds(SPRING_2027, LONDON)
    assert end - start == dt.timedelta(hours=23)
    start, end = recurrence.day_bounds(AUTUMN_2027, LONDON)
    assert end - start == dt.timedelta(hours=25)


# --- Properties -------------------------------------------------------------------------------

ZONES = sorted(
    name
    for name in available_timezones()
    if name.startswith(("Europe/", "America/", "Australia/", "Asia/", "Pacific/"))
)


@settings(max_examples=200, deadline=None)
@given(
    zone_name=st.sampled_from(ZONES),
    first_day=st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2030, 12, 31)),
    hour=st.integers(min_value=7, max_value=21),
    minute=st.sampled_from([0, 15, 30, 45, 50]),
    interval=st.sampled_from([1, 2]),
    count=st.integers(min_value=1, max_value=120),
)
def test_every_session_of_a_slot_is_on_the_same_weekday_at_the_same_local_time(
    zone_name: str, first_day: dt.date, hour: int, minute: int, interval: int, count: int
) -> None:
    zone = ZoneInfo(zone_name)
    rule = SlotRule(
        first_day=first_day,
        time=dt.time(hour, minute),
        zone=zone,
        interval_weeks=interval,
        count=count,
    )
    days = rule.days()
    assert len(days) == count
    assert days[0] == first_day
    assert all(b - a == dt.timedelta(weeks=interval) for a, b in itertools.pairwise(days))
    problems = {p.day for p in rule.problems()}
    instants = []
    for day in days:
        if day in problems:
            continue
        instant = recurrence.to_instant(day, rule.time, zone)
        local = instant.astimezone(zone)
        assert (local.date(), local.time()) == (day, rule.time)
        assert instant.tzinfo is UTC
        instants.append(instant)
    assert instants == sorted(instants)
    assert len(set(instants)) == len(instants)


@settings(max_examples=200, deadline=None)
@given(
    first_day=st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2030, 12, 31)),
    weeks=st.integers(min_value=0, max_value=300),
    interval=st.sampled_from([1, 2]),
)
def test_an_end_date_is_honoured_and_included(
    first_day: dt.date, weeks: int, interval: int
) -> None:
    until = first_day + dt.timedelta(weeks=weeks, days=weeks % 7)
    rule = SlotRule(
        first_day=first_day, time=dt.time(10), zone=LONDON, interval_weeks=interval, until=until
    )
    days = rule.days()
    assert days[0] == first_day
    assert days[-1] <= until < days[-1] + dt.timedelta(weeks=interval)
    assert rule.last_day() == days[-1]


@settings(max_examples=100, deadline=None)
@given(
    first_day=st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2030, 12, 31)),
    count=st.integers(min_value=1, max_value=60),
    cut_after=st.integers(min_value=0, max_value=70),
)
def test_cutting_and_continuing_keeps_the_number_of_sessions(
    first_day: dt.date, count: int, cut_after: int
) -> None:
    rule = SlotRule(first_day=first_day, time=dt.time(10), zone=LONDON, count=count)
    cut_day = first_day + dt.timedelta(weeks=cut_after)
    before = rule.sessions_before(cut_day)
    shortened = rule.ending_before(cut_day)
    kept = shortened.days() if shortened else []
    assert len(kept) == before == min(cut_after, count)
    assert all(day < cut_day for day in kept)
