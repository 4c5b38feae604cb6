"""Reliable change, clinical significance and NHS Talking Therapies episodes. Pure Python.

A `Convention` says which thresholds a classification used; every stored classification keeps
it, because the same two scores can be "reliable" under one convention and not under another.

- Reliable improvement: the score moved the healthy way by at least the threshold
  (before - after >= threshold when higher is worse). Reliable deterioration is the opposite.
- Clinically significant: a reliable improvement that also crosses the cut-off, from the clinical
  range at the start to outside it at the end.
- Jacobson and Truax (1991): threshold = z x SD x sqrt(2 x (1 - reliability)), z = 1.96.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from frame.measures.definitions import ClinicalRange, Instrument
from frame.measures.scoring import SCORING_VERSION

Z_95 = Decimal("1.96")


class Reliable(StrEnum):
    IMPROVEMENT = "improvement"
    DETERIORATION = "deterioration"
    NONE = "none"


@dataclass(frozen=True)
class Convention:
    """The thresholds one classification of change used, and where they came from."""

    name: str
    instrument: str
    threshold: Decimal | None  # None: no reliable-change threshold is known for this measure
    cutoff: Decimal | None  # None: no cut-off, so clinical significance cannot be judged
    clinical_range: ClinicalRange | None
    higher_is_better: bool
    source: str

    def is_clinical(self, total: Decimal) -> bool:
        assert self.cutoff is not None  # noqa: S101  (callers check first)
        if self.clinical_range == "at-or-below":
            return total <= self.cutoff
        return total >= self.cutoff

    def as_record(self) -> dict[str, Any]:
        """Plain JSON-ready form, for storing beside a classification."""
        record = asdict(self)
        for key in ("threshold", "cutoff"):
            if record[key] is not None:
                record[key] = str(record[key])
        return record


def jacobson_truax_threshold(*, sd: Decimal, reliability: Decimal, z: Decimal = Z_95) -> Decimal:
    """The smallest raw change that is reliable: z x SD x sqrt(2 x (1 - reliability))."""
    if sd <= 0:
        raise ValueError("The standard deviation must be above zero.")
    if not 0 <= reliability < 1:
        raise ValueError("Reliability must be at least 0 and below 1.")
    return z * sd * (2 * (1 - reliability)).sqrt()


def convention_for(
    instrument: Instrument,
    *,
    threshold: Decimal | None = None,
    cutoff: Decimal | None = None,
    sd: Decimal | None = None,
    reliability: Decimal | None = None,
    name: str | None = None,
) -> Convention:
    """The instrument's own convention, or a practice's: a fixed threshold, or Jacobson-Truax."""
    if threshold is not None and (sd is not None or reliability is not None):
        raise ValueError("Give either a threshold, or an SD and reliability, not both.")
    if (sd is None) != (reliability is None):
        raise ValueError("Jacobson-Truax needs both the SD and the reliability.")
    if threshold is not None and threshold <= 0:
        raise ValueError("A reliable-change threshold must be above zero.")
    rc = instrument.reliable_change
    default_cutoff = instrument.cutoff
    # Without a published cut-off, the clinical range is the worse side of whatever is given.
    implied_range: ClinicalRange = "at-or-below" if instrument.higher_is_better else "at-or-above"
    sources = []
    if sd is not None and reliability is not None:
        threshold = jacobson_truax_threshold(sd=sd, reliability=reliability)
        sources.append(f"Jacobson-Truax from SD {sd} and reliability {reliability}")
        convention = name or "Jacobson-Truax"
    elif threshold is not None:
        sources.append(f"threshold {threshold} set by the practice")
        convention = name or "practice"
    else:
        threshold = rc.threshold if rc else None
        convention = name or (rc.convention if rc else "none")
        if rc:
            sources.append(rc.source)
    if cutoff is not None:
        sources.append(f"cut-off {cutoff} set by the practice")
    elif default_cutoff is not None:
        cutoff = default_cutoff.value
        sources.append(default_cutoff.source)
    return Convention(
        name=convention,
        instrument=instrument.id,
        threshold=threshold,
        cutoff=cutoff,
        clinical_range=default_cutoff.clinical_range if default_cutoff else implied_range,
        higher_is_better=instrument.higher_is_better,
        source="; ".join(sources),
    )


@dataclass(frozen=True)
class Change:
    before: Decimal | None
    after: Decimal | None
    change: Decimal | None  # after - before
    reliable: Reliable | None  # None when a score is missing or no threshold is known
    clinically_significant: bool | None  # None when reliable is None or there is no cut-off
    convention: Convention
    scoring_version: str = SCORING_VERSION


def classify(before: Decimal | None, after: Decimal | None, convention: Convention) -> Change:
    if before is None or after is None:
        return Change(before, after, None, None, None, convention)
    change = after - before
    if convention.threshold is None:
        return Change(before, after, change, None, None, convention)
    better = change if convention.higher_is_better else -change
    if better >= convention.threshold:
        reliable = Reliable.IMPROVEMENT
    elif -better >= convention.threshold:
        reliable = Reliable.DETERIORATION
    else:
        reliable = Reliable.NONE
    significant: bool | None = None
    if convention.cutoff is not None:
        significant = (
            reliable == Reliable.IMPROVEMENT
            and convention.is_clinical(before)
            and not convention.is_clinical(after)
        )
    return Change(before, after, change, reliable, significant, convention)


# --- NHS Talking Therapies episodes ---------------------------------------------------------------


@dataclass(frozen=True)
class EpisodeConvention:
    name: str = "NHS Talking Therapies"
    phq9_threshold: int = 6
    gad7_threshold: int = 4
    phq9_case: int = 10  # a case at or above
    gad7_case: int = 8
    min_sessions: int = 2
    source: str = (
        "NHS Talking Therapies for anxiety and depression (formerly IAPT): caseness PHQ-9 >= 10 or "
        "GAD-7 >= 8; reliable change 6 (PHQ-9) and 4 (GAD-7); finished treatment = at least 2 "
        "attended treatment sessions, outcome from the first and last paired scores"
    )


NHS_TALKING_THERAPIES = EpisodeConvention()


@dataclass(frozen=True)
class Episode:
    assessable: bool
    case_at_start: bool | None
    recovery: bool | None
    reliable_improvement: bool | None
    reliable_deterioration: bool | None
    reliable_recovery: bool | None
    convention: EpisodeConvention


def classify_episode(
    *,
    phq9: tuple[int, int],
    gad7: tuple[int, int],
    sessions: int,
    convention: EpisodeConvention = NHS_TALKING_THERAPIES,
) -> Episode:
    """Classify one episode from the first and last paired PHQ-9 and GAD-7 totals."""
    if sessions < 0:
        raise ValueError("The number of sessions cannot be below zero.")
    if sessions < convention.min_sessions:
        return Episode(False, None, None, None, None, None, convention)
    (phq_first, phq_last), (gad_first, gad_last) = phq9, gad7
    case_at_start = phq_first >= convention.phq9_case or gad_first >= convention.gad7_case
    improved = [
        phq_first - phq_last >= convention.phq9_threshold,
        gad_first - gad_last >= convention.gad7_threshold,
    ]
    worse = [
        phq_last - phq_first >= convention.phq9_threshold,
        gad_last - gad_first >= convention.gad7_threshold,
    ]
    reliable_improvement = any(improved) and not any(worse)
    recovery: bool | None = None
    reliable_recovery: bool | None = None
    if case_at_start:
        recovery = phq_last < convention.phq9_case and gad_last < convention.gad7_case
        reliable_recovery = recovery and reliable_improvement
    return Episode(
        assessable=True,
        case_at_start=case_at_start,
        recovery=recovery,
        reliable_improvement=reliable_improvement,
        reliable_deterioration=any(worse),
        reliable_recovery=reliable_recovery,
        convention=convention,
    )
