"""Each outcome judged against the client's agreed terms: charged or not, with the rule shown."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frame.contracts.terms import DEFAULT_TERMS, Terms
from frame.scheduling.attendance_rules import Outcome, describe_notice, evaluate

H = dt.timedelta(hours=1)
STANDARD = replace(
    DEFAULT_TERMS,
    cancellation_notice_hours=48,
    late_cancellation_charge_percent=100,
    did_not_attend_charge_percent=100,
    lateness_grace_minutes=15,
)
GENTLE = replace(
    STANDARD,
    cancellation_notice_hours=24,
    late_cancellation_charge_percent=50,
    did_not_attend_charge_percent=0,
)

# outcome, terms, notice, minutes late, chargeable, percent, words the rule must contain
CASES = [
    (Outcome.ATTENDED, STANDARD, None, None, True, 100, "Session held"),
    (
        Outcome.LATE,
        STANDARD,
        None,
        10,
        True,
        100,
        "10 minutes late, within the agreed 15 minutes' wait",
    ),
    (
        Outcome.LATE,
        STANDARD,
        None,
        25,
        True,
        100,
        "25 minutes late, beyond the agreed 15 minutes' wait",
    ),
    (
        Outcome.CANCELLED_BY_CLIENT,
        STANDARD,
        72 * H,
        None,
        False,
        0,
        "3 days' notice; the agreement asks for at least 48 hours, so there is no charge",
    ),
    (Outcome.CANCELLED_BY_CLIENT, STANDARD, 48 * H, None, False, 0, "48 hours' notice"),
    (
        Outcome.CANCELLED_BY_CLIENT,
        STANDARD,
        47 * H,
        None,
        True,
        100,
        "47 hours' notice, less than the agreed 48 hours: the agreement charges 100% of the fee",
    ),
    (
        Outcome.CANCELLED_BY_CLIENT,
        STANDARD,
        dt.timedelta(minutes=30),
        None,
        True,
        100,
        "30 minutes' notice",
    ),
    (Outcome.CANCELLED_BY_CLIENT, STANDARD, dt.timedelta(0), None, True, 100, "with no notice"),
    (Outcome.CANCELLED_BY_CLIENT, GENTLE, 30 * H, None, False, 0, "at least 24 hours"),
    (Outcome.CANCELLED_BY_CLIENT, GENTLE, 5 * H, None, True, 50, "charges 50% of the fee"),
    (
        Outcome.CANCELLED_BY_CLIENT,
        replace(GENTLE, late_cancellation_charge_percent=0),
        5 * H,
        None,
        False,
        0,
        "sets no charge for late cancellation",
    ),
    (
        Outcome.DID_NOT_ATTEND,
        STANDARD,
        None,
        None,
        True,
        100,
        "Did not attend: the agreement charges 100%",
    ),
    (
        Outcome.DID_NOT_ATTEND,
        GENTLE,
        None,
        None,
        False,
        0,
        "Did not attend: the agreement sets no charge",
    ),
    (
        Outcome.CANCELLED_BY_PRACTITIONER,
        STANDARD,
        2 * H,
        None,
        False,
        0,
        "Cancelled by the practitioner with 2 hours' notice: never charged",
    ),
    (
        Outcome.MOVED_BY_PRACTITIONER,
        STANDARD,
        96 * H,
        None,
        False,
        0,
        "Moved by the practitioner with 4 days' notice",
    ),
    (
        Outcome.MOVED_BY_CLIENT,
        STANDARD,
        1 * H,
        None,
        False,
        0,
        "Moved at the client's request with 1 hour's notice",
    ),
]


@pytest.mark.parametrize(
    ("outcome", "terms", "notice", "late", "chargeable", "percent", "words"), CASES
)
def test_outcomes_against_terms(
    outcome: Outcome,
    terms: Terms,
    notice: dt.timedelta | None,
    late: int | None,
    chargeable: bool,
    percent: int,
    words: str,
) -> None:
    verdict = evaluate(outcome, terms, notice=notice, minutes_late=late)
    assert (verdict.chargeable, verdict.charge_percent) == (chargeable, percent)
    assert words in verdict.rule


def test_outcomes_that_need_notice_or_minutes_insist_on_them() -> None:
    with pytest.raises(ValueError, match="notice"):
        evaluate(Outcome.CANCELLED_BY_CLIENT, STANDARD)
    with pytest.raises(ValueError, match="minutes late"):
        evaluate(Outcome.LATE, STANDARD)


@pytest.mark.parametrize(
    ("minutes", "words"),
    [
        (0, "no notice"),
        (-30, "no notice"),
        (1, "1 minute's notice"),
        (59, "59 minutes' notice"),
        (60, "1 hour's notice"),
        (71 * 60 + 59, "71 hours' notice"),
        (72 * 60, "3 days' notice"),
        (24 * 60 * 10, "10 days' notice"),
    ],
)
def test_notice_in_words(minutes: int, words: str) -> None:
    assert describe_notice(dt.timedelta(minutes=minutes)) == words


@given(
    notice_hours=st.integers(min_value=0, max_value=24 * 30),
    required=st.integers(min_value=0, max_value=24 * 14),
    percent=st.integers(min_value=0, max_value=100),
)
def test_a_client_cancellation_is_charged_exactly_when_notice_is_short_and_a_charge_is_agreed(
    notice_hours: int, required: int, percent: int
) -> None:
    terms = replace(
        STANDARD, cancellation_notice_hours=required, late_cancellation_charge_percent=percent
    )
    verdict = evaluate(Outcome.CANCELLED_BY_CLIENT, terms, notice=dt.timedelta(hours=notice_hours))
    assert verdict.chargeable == (notice_hours < required and percent > 0)
    assert verdict.charge_percent == (percent if verdict.chargeable else 0)
    assert verdict.rule.startswith("Cancelled by the client with ")


@given(notice_hours=st.integers(min_value=0, max_value=24 * 30))
def test_practitioner_changes_are_never_charged(notice_hours: int) -> None:
    for outcome in (Outcome.CANCELLED_BY_PRACTITIONER, Outcome.MOVED_BY_PRACTITIONER):
        verdict = evaluate(outcome, STANDARD, notice=dt.timedelta(hours=notice_hours))
        assert not verdict.chargeable and verdict.charge_percent == 0
