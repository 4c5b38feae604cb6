"""Property-based tests: whatever the answers, the scoring and change rules hold."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frame.measures import definitions
from frame.measures.change import Reliable, classify, classify_episode, convention_for
from frame.measures.definitions import Instrument
from frame.measures.scoring import Answer, parse_answers, score

CHOICE_INSTRUMENTS = [
    i for i in definitions.all_instruments() if not i.is_goal_based and i.id not in ("ors", "srs")
]


@st.composite
def answers_for(draw: st.DrawFn, instrument: Instrument, missing: bool = True) -> list[Answer]:
    answers: list[Answer] = []
    for item in instrument.items:
        position = st.integers(0, len(item.response_set.options) - 1)
        answers.append(draw(st.none() | position if missing else position))
    return answers


def reference_total(instrument: Instrument, answers: list[Answer]) -> Fraction | None:
    """An independent statement of the rules, in exact fractions, for comparison."""
    values = []
    for item, answer in zip(instrument.items, answers, strict=True):
        if not item.scored:
            continue
        if answer is None:
            values.append(None)
            continue
        options = [o.value for o in item.response_set.options]
        value = options[int(answer)]
        values.append(min(options) + max(options) - value if item.reverse else value)
    answered = [v for v in values if v is not None]
    if not answered or len(values) - len(answered) > instrument.max_missing:
        return None
    mean = Fraction(sum(answered), len(answered))
    exact = {"sum": mean * len(values), "mean_x10": mean * 10, "mean": mean}[instrument.method]
    scale = 10**instrument.decimals
    return Fraction(math.floor(exact * scale + Fraction(1, 2)), scale)  # halves up


@pytest.mark.parametrize("instrument", CHOICE_INSTRUMENTS, ids=lambda i: i.id)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_scores_match_an_independent_statement_of_the_rules(
    instrument: Instrument, data: st.DataObject
) -> None:
    answers = data.draw(answers_for(instrument))
    result = score(instrument, answers)
    expected = reference_total(instrument, answers)
    if expected is None:
        assert (result.valid, result.total, result.band, result.prorated) == (
            False, None, None, False,
        )  # fmt: skip
        return
    assert result.valid and result.total is not None
    assert Fraction(result.total) == expected
    assert instrument.range_min <= result.total <= instrument.range_max
    assert result.prorated == bool(result.missing_items)
    assert len(result.missing_items) <= instrument.max_missing
    assert (result.band is None) == (not instrument.bands)
    assert result.total.as_tuple().exponent == -instrument.decimals


@pytest.mark.parametrize("instrument", CHOICE_INSTRUMENTS, ids=lambda i: i.id)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_risk_items_are_exactly_the_risk_items_above_zero(
    instrument: Instrument, data: st.DataObject
) -> None:
    answers = data.draw(answers_for(instrument))
    result = score(instrument, answers)
    expected = tuple(
        r.item
        for r in instrument.risk_items
        if answers[r.item - 1] is not None and result.item_values[r.item - 1] > 0  # type: ignore[operator]
    )
    assert result.risk_items == expected


@pytest.mark.parametrize("instrument", CHOICE_INSTRUMENTS, ids=lambda i: i.id)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_choosing_a_later_option_moves_the_score_the_way_the_item_points(
    instrument: Instrument, data: st.DataObject
) -> None:
    answers = data.draw(answers_for(instrument, missing=False))
    scored = [item for item in instrument.items if item.scored]
    item = data.draw(st.sampled_from(scored))
    top = len(item.response_set.options) - 1
    if answers[item.number - 1] == top:
        return
    later = list(answers)
    later[item.number - 1] = int(answers[item.number - 1] or 0) + 1
    before, after = score(instrument, answers).total, score(instrument, later).total
    assert before is not None and after is not None
    if item.reverse:
        assert after <= before
    else:
        assert after >= before


@pytest.mark.parametrize("instrument", CHOICE_INSTRUMENTS, ids=lambda i: i.id)
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_answers_survive_the_command_line_format(
    instrument: Instrument, data: st.DataObject
) -> None:
    answers = data.draw(answers_for(instrument))
    text = ",".join("" if a is None else str(a) for a in answers)
    assert parse_answers(instrument, text) == answers


scores = st.decimals(min_value=0, max_value=40, places=1)


@pytest.mark.parametrize("instrument_id", ["phq9", "gad7", "core10", "core-om", "ors", "wemwbs"])
@settings(max_examples=200, deadline=None)
@given(before=scores, after=scores)
def test_change_is_antisymmetric_and_significance_needs_reliable_improvement(
    instrument_id: str, before: Decimal, after: Decimal
) -> None:
    convention = convention_for(definitions.get(instrument_id))
    forward, backward = classify(before, after, convention), classify(after, before, convention)
    assert forward.change == after - before == -(backward.change or 0)
    mirror = {
        Reliable.IMPROVEMENT: Reliable.DETERIORATION,
        Reliable.DETERIORATION: Reliable.IMPROVEMENT,
        Reliable.NONE: Reliable.NONE,
    }
    assert forward.reliable is not None and backward.reliable == mirror[forward.reliable]
    if forward.clinically_significant:
        assert forward.reliable == Reliable.IMPROVEMENT
        assert convention.is_clinical(before) and not convention.is_clinical(after)
    assert convention.threshold is not None
    assert (forward.reliable != Reliable.NONE) == (abs(after - before) >= convention.threshold)


@settings(max_examples=300, deadline=None)
@given(
    phq9=st.tuples(st.integers(0, 27), st.integers(0, 27)),
    gad7=st.tuples(st.integers(0, 21), st.integers(0, 21)),
    sessions=st.integers(0, 40),
)
def test_episode_invariants(phq9: tuple[int, int], gad7: tuple[int, int], sessions: int) -> None:
    episode = classify_episode(phq9=phq9, gad7=gad7, sessions=sessions)
    classifications = (
        episode.case_at_start,
        episode.recovery,
        episode.reliable_improvement,
        episode.reliable_deterioration,
        episode.reliable_recovery,
    )
    if not episode.assessable:
        assert sessions < 2 and classifications == (None,) * 5
        return
    assert not (episode.reliable_improvement and episode.reliable_deterioration)
    assert (episode.recovery is None) == (not episode.case_at_start)
    assert (episode.reliable_recovery is None) == (not episode.case_at_start)
    if episode.reliable_recovery:
        assert episode.recovery and episode.reliable_improvement
    assert episode.case_at_start == (phq9[0] >= 10 or gad7[0] >= 8)
