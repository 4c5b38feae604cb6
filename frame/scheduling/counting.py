"""Session numbers and reviews: "Session 5 of 12", "review due".

Pure: no Django. Only sessions that were held count (attended, including late arrivals), and
only the kinds that make up the work itself: assessments and other meetings are not numbered.
The rule is stated on the card next to the figures, so nobody has to guess what was counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from frame.contracts.terms import Terms

COUNTED_KINDS = frozenset({"session", "review", "ending"})
REVIEW_KIND = "review"
COUNTING_RULE = (
    "Counted: sessions, reviews and endings that were held, late arrivals included. "
    "Assessments, cancelled and missed sessions are not counted."
)


@dataclass(frozen=True)
class SessionCount:
    held: int
    planned: int | None  # the agreed number for time-limited work; None when open-ended
    review_every: int
    since_review: int  # counted sessions held since the last review (or since the start)
    reviewed: bool  # whether any review has been held yet

    @property
    def review_due(self) -> bool:
        return self.review_every > 0 and self.since_review >= self.review_every

    @property
    def sessions_until_review(self) -> int:
        return max(self.review_every - self.since_review, 0)

    @property
    def remaining(self) -> int | None:
        return None if self.planned is None else max(self.planned - self.held, 0)

    @property
    def beyond_planned(self) -> bool:
        return self.planned is not None and self.held > self.planned

    def label(self, number: int | None = None) -> str:
        """ "Session 5 of 12" (time-limited) or "Session 5" (open-ended)."""
        shown = self.held if number is None else number
        return f"Session {shown}" + (f" of {self.planned}" if self.planned is not None else "")


def count_sessions(held_kinds: Sequence[str], terms: Terms) -> SessionCount:
    """Count from the kinds of the client's held appointments, oldest first."""
    counted = [kind for kind in held_kinds if kind in COUNTED_KINDS]
    last_review = max((i for i, kind in enumerate(counted) if kind == REVIEW_KIND), default=-1)
    return SessionCount(
        held=len(counted),
        planned=terms.planned_sessions,
        review_every=terms.review_every_sessions,
        since_review=len(counted) - last_review - 1,
        reviewed=last_review >= 0,
    )
