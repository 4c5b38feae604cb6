"""Session numbers, reviews due, and rhythm indicators as plain facts."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from frame.contracts.terms import DEFAULT_TERMS
from frame.scheduling.counting import count_sessions
from frame.scheduling.rhythm import Change, Held, Initiator, summarise

TWELVE = replace(DEFAULT_TERMS, planned_sessions=12, review_every_sessions=6)
OPEN = replace(DEFAULT_TERMS, planned_sessions=None, review_every_sessions=6)


def test_session_five_of_twelve() -> None:
    count = count_sessions(
        ["assessment", "session", "session", "session", "session", "session"], TWELVE
    )
    assert count.held == 5
    assert count.label() == "Session 5 of 12"
    assert count.label(6) == "Session 6 of 12"
    assert count.remaining == 7
    assert not count.review_due
    assert count.sessions_until_review == 1


def test_open_ended_work_has_no_total() -> None:
    count = count_sessions(["session"] * 3, OPEN)
    assert count.label() == "Session 3"
    assert count.remaining is None


def test_a_review_is_due_every_n_sessions_counted_from_the_last_review() -> None:
    assert count_sessions(["session"] * 6, OPEN).review_due
    after_review = count_sessions(["session"] * 6 + ["review"], OPEN)
    assert not after_review.review_due and after_review.since_review == 0 and after_review.reviewed
    assert count_sessions(["session"] * 6 + ["review"] + ["session"] * 6, OPEN).review_due
    assert count_sessions(["other", "assessment"] * 10, OPEN).held == 0


@given(
    kinds=st.lists(
        st.sampled_from(["session", "review", "ending", "assessment", "other"]), max_size=60
    ),
    every=st.integers(min_value=1, max_value=12),
)
def test_counts_are_consistent(kinds: list[str], every: int) -> None:
    count = count_sessions(kinds, replace(OPEN, review_every_sessions=every))
    assert count.held == sum(k in {"session", "review", "ending"} for k in kinds)
    assert 0 <= count.since_review <= count.held
    assert count.review_due == (count.since_review >= every)


def test_rhythm_states_facts() -> None:
    rhythm = summarise(
        [Held(True)] * 8 + [Held(False)] * 2,
        [
            Change(Initiator.CLIENT, True, dt.timedelta(hours=72)),
            Change(Initiator.CLIENT, False, dt.timedelta(hours=5)),
            Change(Initiator.PRACTITIONER, True, dt.timedelta(days=21)),
        ],
        did_not_attend=1,
        has_slot=True,
    )
    assert (rhythm.held, rhythm.held_in_slot, rhythm.slot_share_percent) == (10, 8, 80)
    assert (rhythm.client_changes, rhythm.client_cancellations, rhythm.client_moves) == (2, 1, 1)
    assert (rhythm.practitioner_changes, rhythm.practitioner_cancellations) == (1, 1)
    assert (
        rhythm.client_notice.describe()
        == "typically 38 hours' notice, the shortest 5 hours' notice"
    )
    assert rhythm.practitioner_notice.describe() == "21 days' notice"
    assert not rhythm.is_empty


def test_an_empty_window() -> None:
    rhythm = summarise([], [], did_not_attend=0, has_slot=False)
    assert rhythm.is_empty and rhythm.slot_share_percent is None
    assert rhythm.client_notice.describe() == "none"
