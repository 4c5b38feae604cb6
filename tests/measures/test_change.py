"""Reliable change, clinical significance and NHS Talking Therapies episodes, at every threshold."""

from __future__ import annotations

from decimal import Decimal

import pytest

from frame.measures import definitions
from frame.measures.change import (
    NHS_TALKING_THERAPIES,
    EpisodeConvention,
    Reliable,
    classify,
    classify_episode,
    convention_for,
    jacobson_truax_threshold,
)

IMPROVEMENT, DETERIORATION, NONE = Reliable.IMPROVEMENT, Reliable.DETERIORATION, Reliable.NONE


def run(instrument_id: str, before: str, after: str, **options: Decimal) -> tuple[object, ...]:
    convention = convention_for(definitions.get(instrument_id), **options)
    result = classify(Decimal(before), Decimal(after), convention)
    return result.change, result.reliable, result.clinically_significant


@pytest.mark.parametrize(
    ("before", "after", "change", "reliable", "significant"),
    [
        ("15", "9", -6, IMPROVEMENT, True),  # exactly the threshold, across the cut-off
        ("15", "10", -5, NONE, False),  # one short of the threshold
        ("16", "10", -6, IMPROVEMENT, False),  # reliable, but ends at the cut-off (still a case)
        ("9", "3", -6, IMPROVEMENT, False),  # reliable, but started below the cut-off
        ("10", "4", -6, IMPROVEMENT, True),  # starts exactly at the cut-off
        ("27", "0", -27, IMPROVEMENT, True),
        ("4", "10", 6, DETERIORATION, False),
        ("4", "9", 5, NONE, False),
        ("12", "12", 0, NONE, False),
    ],
)
def test_phq9_reliable_change_6_and_caseness_10(
    before: str, after: str, change: int, reliable: Reliable, significant: bool
) -> None:
    assert run("phq9", before, after) == (change, reliable, significant)


@pytest.mark.parametrize(
    ("before", "after", "reliable", "significant"),
    [
        ("10", "6", IMPROVEMENT, True),
        ("10", "7", NONE, False),
        ("11", "8", NONE, False),
        ("12", "8", IMPROVEMENT, False),  # ends at 8: still a case
        ("8", "4", IMPROVEMENT, True),
        ("7", "3", IMPROVEMENT, False),
        ("3", "7", DETERIORATION, False),
        ("3", "6", NONE, False),
    ],
)
def test_gad7_reliable_change_4_and_caseness_8(
    before: str, after: str, reliable: Reliable, significant: bool
) -> None:
    assert run("gad7", before, after)[1:] == (reliable, significant)


@pytest.mark.parametrize(
    ("before", "after", "reliable", "significant"),
    [
        ("17.0", "11.0", IMPROVEMENT, False),  # ends at 11: still clinical
        ("17.0", "10.9", IMPROVEMENT, True),
        ("16.9", "10.9", IMPROVEMENT, True),  # exactly 6.0
        ("16.8", "10.9", NONE, False),  # 5.9
        ("11.0", "5.0", IMPROVEMENT, True),
        ("10.9", "4.9", IMPROVEMENT, False),  # started below the cut-off
        ("5.0", "11.0", DETERIORATION, False),
    ],
)
def test_core10_reliable_change_6_and_clinical_11(
    before: str, after: str, reliable: Reliable, significant: bool
) -> None:
    assert run("core10", before, after)[1:] == (reliable, significant)


def test_core10_threshold_is_configurable_and_the_convention_is_kept() -> None:
    core10 = definitions.get("core10")
    default = convention_for(core10)
    assert default.threshold == 6 and default.cutoff == 11
    practice = convention_for(core10, threshold=Decimal(7))
    result = classify(Decimal("17.0"), Decimal("10.5"), practice)
    assert (result.reliable, result.clinically_significant) == (NONE, False)
    assert result.convention.name == "practice"
    assert result.convention.as_record() == {
        "name": "practice",
        "instrument": "core10",
        "threshold": "7",
        "cutoff": "11",
        "clinical_range": "at-or-above",
        "higher_is_better": False,
        "source": practice.source,
    }
    assert "threshold 7 set by the practice" in practice.source


def test_jacobson_truax_threshold_from_sd_and_reliability() -> None:
    threshold = jacobson_truax_threshold(sd=Decimal("7.7"), reliability=Decimal("0.9"))
    assert threshold.quantize(Decimal("0.001")) == Decimal("6.749")  # 1.96 x 7.7 x sqrt(0.2)
    convention = convention_for(
        definitions.get("core10"), sd=Decimal("7.7"), reliability=Decimal("0.9")
    )
    assert convention.name == "Jacobson-Truax"
    assert "SD 7.7 and reliability 0.9" in convention.source
    assert classify(Decimal("17.0"), Decimal("10.3"), convention).reliable == NONE  # 6.7
    assert classify(Decimal("17.0"), Decimal("10.2"), convention).reliable == IMPROVEMENT  # 6.8


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"threshold": Decimal(0)}, "above zero"),
        ({"threshold": Decimal(5), "sd": Decimal(7)}, "not both"),
        ({"sd": Decimal(7)}, "needs both"),
        ({"sd": Decimal(0), "reliability": Decimal("0.9")}, "standard deviation"),
        ({"sd": Decimal(7), "reliability": Decimal(1)}, "below 1"),
    ],
)
def test_impossible_conventions_are_refused(options: dict[str, Decimal], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        convention_for(definitions.get("core10"), **options)


@pytest.mark.parametrize(
    ("before", "after", "reliable", "significant"),
    [
        ("20", "25", IMPROVEMENT, False),  # higher is better; 25 is still in the clinical range
        ("20.1", "25.1", IMPROVEMENT, True),
        ("20", "24.9", NONE, False),
        ("30", "25", DETERIORATION, False),
    ],
)
def test_ors_improves_upwards_with_clinical_range_at_or_below_25(
    before: str, after: str, reliable: Reliable, significant: bool
) -> None:
    assert run("ors", before, after)[1:] == (reliable, significant)


def test_no_threshold_or_no_score_means_no_classification() -> None:
    wsas = convention_for(definitions.get("wsas"))
    assert classify(Decimal(30), Decimal(5), wsas).reliable is None
    assert classify(Decimal(30), Decimal(5), wsas).change == -25
    phq9 = convention_for(definitions.get("phq9"))
    missing = classify(None, Decimal(5), phq9)
    assert (missing.change, missing.reliable, missing.clinically_significant) == (None, None, None)
    # A threshold but no cut-off: reliability is judged, clinical significance cannot be.
    phq15 = convention_for(definitions.get("phq15"), threshold=Decimal(5))
    assert classify(Decimal(20), Decimal(10), phq15).reliable == IMPROVEMENT
    assert classify(Decimal(20), Decimal(10), phq15).clinically_significant is None
    # A practice's own cut-off for a measure with none is on the worse side.
    own = convention_for(definitions.get("phq15"), threshold=Decimal(5), cutoff=Decimal(10))
    assert classify(Decimal(20), Decimal(9), own).clinically_significant is True


# --- NHS Talking Therapies episodes ---------------------------------------------------------


@pytest.mark.parametrize(
    ("phq9", "gad7", "sessions", "expected"),
    [
        # (case_at_start, recovery, reliable_improvement, reliable_deterioration, reliable_recovery)
        ((14, 8), (9, 5), 2, (True, True, True, False, True)),
        ((14, 8), (9, 5), 12, (True, True, True, False, True)),
        ((8, 2), (6, 1), 3, (False, None, True, False, None)),  # not a case: no recovery
        ((5, 5), (8, 7), 3, (True, True, False, False, False)),  # case on GAD-7 alone
        ((10, 9), (5, 5), 3, (True, True, False, False, False)),  # recovered, not reliably
        ((15, 10), (12, 6), 3, (True, False, True, False, False)),  # PHQ-9 ends at 10
        ((15, 9), (12, 8), 3, (True, False, True, False, False)),  # GAD-7 ends at 8
        ((20, 10), (5, 10), 3, (True, False, False, True, False)),  # one better, one worse
        ((10, 16), (3, 3), 3, (True, False, False, True, False)),
        ((9, 4), (7, 4), 3, (False, None, False, False, None)),  # 5 and 3: not reliable
        ((9, 3), (7, 3), 3, (False, None, True, False, None)),  # 6 and 4: reliable
        ((3, 9), (3, 3), 3, (False, None, False, True, None)),
        ((3, 3), (3, 7), 3, (False, None, False, True, None)),
    ],
)
def test_episode_classification(
    phq9: tuple[int, int],
    gad7: tuple[int, int],
    sessions: int,
    expected: tuple[bool | None, ...],
) -> None:
    episode = classify_episode(phq9=phq9, gad7=gad7, sessions=sessions)
    assert episode.assessable
    assert (
        episode.case_at_start,
        episode.recovery,
        episode.reliable_improvement,
        episode.reliable_deterioration,
        episode.reliable_recovery,
    ) == expected
    assert episode.convention is NHS_TALKING_THERAPIES


@pytest.mark.parametrize("sessions", [0, 1])
def test_fewer_than_two_sessions_is_not_assessable_and_everything_is_null(sessions: int) -> None:
    episode = classify_episode(phq9=(20, 2), gad7=(15, 1), sessions=sessions)
    assert not episode.assessable
    assert (
        episode.case_at_start,
        episode.recovery,
        episode.reliable_improvement,
        episode.reliable_deterioration,
        episode.reliable_recovery,
    ) == (None, None, None, None, None)


def test_episode_conventions_can_be_configured() -> None:
    stricter = EpisodeConvention(name="practice", phq9_threshold=7, min_sessions=3)
    assert not classify_episode(
        phq9=(14, 8), gad7=(6, 6), sessions=2, convention=stricter
    ).assessable
    episode = classify_episode(phq9=(14, 8), gad7=(6, 6), sessions=3, convention=stricter)
    assert (episode.reliable_improvement, episode.recovery) == (False, True)
    with pytest.raises(ValueError, match="below zero"):
        classify_episode(phq9=(1, 1), gad7=(1, 1), sessions=-1)
