"""The status lifecycle, checked as rules over every possible sequence of changes."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frame.clients import lifecycle
from frame.clients.lifecycle import (
    ACTIVE,
    ARCHIVED,
    ASSESSMENT,
    ENDED,
    ENQUIRY,
    STATUSES,
    TransitionNotAllowed,
)
from frame.clients.models import Status

statuses = st.sampled_from(STATUSES)
any_text = st.one_of(statuses, st.text(max_size=20))


def reachable_from(start: str) -> set[str]:
    seen, frontier = {start}, [start]
    while frontier:
        for nxt in lifecycle.next_statuses(frontier.pop()):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return seen


def test_the_model_offers_exactly_the_lifecycle_statuses() -> None:
    assert tuple(Status.values) == STATUSES


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [
        (ENQUIRY, ASSESSMENT),
        (ASSESSMENT, ACTIVE),
        (ACTIVE, ENDED),
        (ENDED, ARCHIVED),
        # The extras a practitioner needs:
        (ENQUIRY, ACTIVE),  # the first session is the assessment
        (ENQUIRY, ENDED),  # did not go ahead
        (ASSESSMENT, ENDED),  # did not go ahead after assessment
        (ENDED, ACTIVE),  # a returning client
    ],
)
def test_allowed_changes(from_status: str, to_status: str) -> None:
    lifecycle.check_transition(from_status, to_status)
    assert lifecycle.can_move(from_status, to_status)


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [
        (ACTIVE, ENQUIRY),
        (ACTIVE, ARCHIVED),  # end the work first, then archive
        (ENQUIRY, ARCHIVED),
        (ARCHIVED, ACTIVE),
        (ARCHIVED, ENDED),
        (ASSESSMENT, ENQUIRY),
    ],
)
def test_refused_changes_explain_themselves(from_status: str, to_status: str) -> None:
    with pytest.raises(TransitionNotAllowed) as refused:
        lifecycle.check_transition(from_status, to_status)
    assert to_status in str(refused.value) or "final" in str(refused.value)


def test_every_status_is_reachable_from_an_enquiry() -> None:
    assert reachable_from(ENQUIRY) == set(STATUSES)


@given(statuses)
def test_every_record_can_eventually_be_archived(status: str) -> None:
    assert ARCHIVED in reachable_from(status)


@given(statuses)
def test_no_status_moves_to_itself(status: str) -> None:
    assert status not in lifecycle.next_statuses(status)
    with pytest.raises(TransitionNotAllowed):
        lifecycle.check_transition(status, status)


@given(statuses)
def test_archived_is_final_and_nothing_else_is(status: str) -> None:
    assert lifecycle.is_final(status) == (status == ARCHIVED)


@given(any_text, any_text)
def test_check_transition_agrees_with_can_move(from_status: str, to_status: str) -> None:
    allowed = lifecycle.can_move(from_status, to_status)
    try:
        lifecycle.check_transition(from_status, to_status)
    except TransitionNotAllowed:
        assert not allowed
    else:
        assert allowed
        assert from_status in STATUSES and to_status in STATUSES


@given(st.lists(statuses, max_size=30))
def test_following_only_allowed_changes_never_leaves_an_archived_record(
    attempts: list[str],
) -> None:
    """Replay random requests; the ones the lifecycle allows form a valid history."""
    current = ENQUIRY
    history = [current]
    for wanted in attempts:
        if lifecycle.can_move(current, wanted):
            current = wanted
            history.append(current)
    if ARCHIVED in history:
        assert history.index(ARCHIVED) == len(history) - 1
    for before, after in itertools.pairwise(history):
        assert after in lifecycle.next_statuses(before)


@given(st.text(max_size=20).filter(lambda s: s not in STATUSES))
def test_unknown_statuses_are_refused_in_plain_words(unknown: str) -> None:
    with pytest.raises(TransitionNotAllowed, match="not a status Frame knows"):
        lifecycle.check_transition(ENQUIRY, unknown)
    with pytest.raises(TransitionNotAllowed):
        lifecycle.next_statuses(unknown)
    assert not lifecycle.can_move(unknown, ENQUIRY)


@given(statuses)
def test_new_records_start_before_the_work_ends(status: str) -> None:
    if status in (ENDED, ARCHIVED):
        with pytest.raises(TransitionNotAllowed):
            lifecycle.check_initial(status)
    else:
        lifecycle.check_initial(status)


def test_lifecycle_module_does_not_import_django() -> None:
    source = Path(lifecycle.__file__).read_text(encoding="utf-8")
    assert "django" not in source
