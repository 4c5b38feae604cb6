"""The professional-body rules, table-driven: creditable minutes and the monthly requirement."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from frame.supervision import rules
from frame.supervision.rules import Kind, Requirement, Rule, Session, Status

D = dt.date


@pytest.mark.parametrize(
    ("kind", "minutes", "group_size", "credit"),
    [
        (Kind.INDIVIDUAL, 90, None, Fraction(90)),
        (Kind.ONLINE, 60, None, Fraction(60)),
        (Kind.PHONE, 45, 1, Fraction(45)),
        (Kind.GROUP, 120, 2, Fraction(60)),
        (Kind.GROUP, 120, 4, Fraction(60)),  # 4 or fewer: half
        (Kind.GROUP, 120, 5, Fraction(24)),  # 5 or more: divided by the number
        (Kind.GROUP, 120, 8, Fraction(15)),
        (Kind.GROUP, 90, 7, Fraction(90, 7)),  # kept exact, never rounded up
        (Kind.PEER, 90, 2, Fraction(45)),
        (Kind.PEER, 90, 6, Fraction(15)),
    ],
)
def test_creditable_minutes(
    kind: str, minutes: int, group_size: int | None, credit: Fraction
) -> None:
    assert rules.creditable_minutes(kind, minutes, group_size) == credit


@pytest.mark.parametrize(
    ("kind", "minutes", "group_size", "field", "words"),
    [
        (Kind.INDIVIDUAL, 0, None, "minutes", "more than zero"),
        (Kind.INDIVIDUAL, -30, None, "minutes", "more than zero"),
        (Kind.GROUP, 60, None, "group_size", "2 or more"),
        (Kind.GROUP, 60, 1, "group_size", "2 or more"),
        (Kind.PEER, 60, 0, "group_size", "2 or more"),
        (Kind.INDIVIDUAL, 60, 3, "group_size", "only for group"),
        ("lecture", 60, None, "kind", "kind of supervision"),
    ],
)
def test_bad_entries_are_refused_clearly(
    kind: str, minutes: int, group_size: int | None, field: str, words: str
) -> None:
    with pytest.raises(rules.RuleError) as error:
        rules.creditable_minutes(kind, minutes, group_size)
    assert error.value.field == field
    assert words in str(error.value)


def test_display_rounds_down_so_credit_is_never_overstated() -> None:
    assert rules.whole_minutes(Fraction(90, 7)) == 12  # 12.86 shown as 12
    assert rules.as_hours(Fraction(90, 7) * 7) == "1 h 30 min"
    assert rules.as_hours(Fraction(179, 2)) == "1 h 29 min"  # 89.5 is not yet 1.5 hours


TODAY = D(2026, 6, 15)
MARCH, APRIL, MAY = D(2026, 3, 1), D(2026, 4, 1), D(2026, 5, 1)


def _one(month: dt.date, sessions: list[Session], **kwargs: object) -> rules.MonthResult:
    defaults: dict[str, object] = {
        "client_minutes": {},
        "breaks": [],
        "requirement": Requirement(),
        "today": TODAY,
    }
    defaults.update(kwargs)
    (result,) = rules.evaluate(months=[month], sessions=sessions, **defaults)  # type: ignore[arg-type]
    return result


@pytest.mark.parametrize(
    ("sessions", "status"),
    [
        ([Session(D(2026, 4, 10), Kind.INDIVIDUAL, 90)], Status.MET),
        ([Session(D(2026, 4, 10), Kind.INDIVIDUAL, 89)], Status.SHORT),
        # 3 hours in a group of 4 counts 90 minutes: met.
        ([Session(D(2026, 4, 10), Kind.GROUP, 180, 4)], Status.MET),
        # 3 hours in a group of 5 counts 36 minutes: short.
        ([Session(D(2026, 4, 10), Kind.GROUP, 180, 5)], Status.SHORT),
        # 8 in a group for 6 hours is 45; plus 45 one-to-one is 90.
        (
            [
                Session(D(2026, 4, 3), Kind.GROUP, 360, 8),
                Session(D(2026, 4, 20), Kind.PHONE, 45),
            ],
            Status.MET,
        ),
        ([], Status.SHORT),
        # Time in March does not make up for April: no averaging across months.
        ([Session(D(2026, 3, 10), Kind.INDIVIDUAL, 180)], Status.SHORT),
    ],
)
def test_monthly_minimum(sessions: list[Session], status: Status) -> None:
    assert _one(APRIL, sessions).status == status


def test_a_documented_break_month_is_not_short() -> None:
    result = _one(APRIL, [], breaks=[D(2026, 4, 1)])
    assert result.status == Status.BREAK


def test_the_requirement_is_configurable() -> None:
    sessions = [Session(D(2026, 4, 10), Kind.INDIVIDUAL, 60)]
    assert _one(APRIL, sessions).status == Status.SHORT
    assert _one(APRIL, sessions, requirement=Requirement(monthly_minutes=60)).status == Status.MET


def test_the_current_month_is_in_progress_and_future_months_are_left_out() -> None:
    results = rules.evaluate(
        months=[MAY, D(2026, 6, 1), D(2026, 7, 1)],
        sessions=[],
        client_minutes={},
        breaks=[],
        requirement=Requirement(),
        today=TODAY,
    )
    assert [(r.month, r.status) for r in results] == [
        (MAY, Status.SHORT),
        (D(2026, 6, 1), Status.IN_PROGRESS),
    ]


STUDENT = Requirement(rule=Rule.STUDENT)
FORTNIGHTLY = [
    Session(D(2026, 3, 28), Kind.INDIVIDUAL, 60),
    Session(D(2026, 4, 9), Kind.INDIVIDUAL, 60),
    Session(D(2026, 4, 22), Kind.INDIVIDUAL, 60),
]


@pytest.mark.parametrize(
    ("client_hours", "sessions", "status", "reason"),
    [
        # 10 client hours need 75 minutes, but the monthly 90 still applies: 120 is enough.
        (10, FORTNIGHTLY, Status.MET, ""),
        # 16 client hours need 2 hours: exactly met.
        (16, FORTNIGHTLY, Status.MET, ""),
        # 20 client hours need 2.5 hours: short by 30 minutes.
        (20, FORTNIGHTLY, Status.SHORT, "30 min short of 2 h 30 min"),
        # Enough time, but all in the first week: more than 14 days without supervision.
        (
            8,
            [Session(D(2026, 4, 2), Kind.INDIVIDUAL, 120)],
            Status.SHORT,
            "28 days without supervision",
        ),
        # Peer supervision does not count for students.
        (
            8,
            [
                Session(D(2026, 3, 30), Kind.INDIVIDUAL, 30),
                Session(D(2026, 4, 10), Kind.PEER, 240, 2),
                Session(D(2026, 4, 20), Kind.INDIVIDUAL, 60),
            ],
            Status.SHORT,
            "peer supervision does not count for students",
        ),
    ],
)
def test_student_placement_rule(
    client_hours: int, sessions: list[Session], status: Status, reason: str
) -> None:
    result = _one(APRIL, sessions, client_minutes={APRIL: client_hours * 60}, requirement=STUDENT)
    assert result.status == status
    if reason:
        assert any(reason in r for r in result.reasons), result.reasons
    else:
        assert not result.reasons


def test_the_fortnightly_rule_looks_back_to_the_last_supervision_before_the_month() -> None:
    # 28 March to 9 April is 12 days; 9 to 22 April 13; 22 to 30 April 8: fine.
    assert rules.longest_gap(sorted(s.held_on for s in FORTNIGHTLY), APRIL, D(2026, 4, 30)) == 13
    # Without the March session, 1 to 9 April counts from the month's start.
    assert rules.longest_gap([D(2026, 4, 9), D(2026, 4, 22)], APRIL, D(2026, 4, 30)) == 13
    assert rules.longest_gap([D(2026, 3, 1)], APRIL, D(2026, 4, 30)) == 60


def test_a_student_break_month_is_a_break() -> None:
    result = _one(APRIL, [], requirement=STUDENT, breaks=[APRIL])
    assert result.status == Status.BREAK
