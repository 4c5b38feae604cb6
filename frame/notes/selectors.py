"""Read-side queries for notes and goals. Each issues a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from frame.clients.models import Client
from frame.notes.models import Addendum, Goal, GoalRating, NoteVersion, ProcessNote, SessionNote

TREND_POINTS = 10


def notes_for(client: Client) -> QuerySet[SessionNote]:
    """The client's session notes, newest session first, with their addenda counted."""
    return (
        SessionNote.objects.filter(client=client)
        .select_related("appointment", "author")
        .annotate(addendum_count=Count("addenda"))
        .order_by("-appointment__starts_at", "-created_at")
    )


def note_with_history(note: SessionNote) -> tuple[list[NoteVersion], list[Addendum]]:
    versions = list(NoteVersion.objects.filter(note=note).select_related("saved_by"))
    addenda = list(Addendum.objects.filter(note=note).select_related("added_by"))
    return versions, addenda


def addenda_for(note: SessionNote) -> list[Addendum]:
    return list(Addendum.objects.filter(note=note).select_related("added_by"))


def process_notes_for(client: Client, author: Any) -> QuerySet[ProcessNote]:
    return ProcessNote.objects.filter(client=client, author=author).select_related("appointment")


@dataclass(frozen=True)
class Trend:
    ratings: list[int]
    points: str  # for an SVG polyline, 100 by 24 units
    summary: str  # the same, in words, for everyone

    @property
    def latest(self) -> int | None:
        return self.ratings[-1] if self.ratings else None


def trend_of(ratings: list[int]) -> Trend:
    shown = ratings[-TREND_POINTS:]
    if not shown:
        return Trend(ratings=[], points="", summary="Not rated yet.")
    step = 100 / (len(shown) - 1) if len(shown) > 1 else 0
    points = " ".join(f"{round(i * step, 1)},{22 - r * 2}" for i, r in enumerate(shown))
    if len(shown) == 1:
        points = f"0,{22 - shown[0] * 2} 100,{22 - shown[0] * 2}"
    if len(ratings) == 1:
        summary = f"Rated {shown[0]} out of 10."
    else:
        summary = (
            f"Ratings out of 10, oldest first: {', '.join(str(r) for r in shown)}. "
            f"From {ratings[0]} at first to {ratings[-1]} now."
        )
    return Trend(ratings=shown, points=points, summary=summary)


@dataclass(frozen=True)
class GoalSummary:
    goal: Goal
    ratings: list[GoalRating]
    trend: Trend


def goals_for(client: Client, *, include_closed: bool = True) -> list[GoalSummary]:
    """The client's goals with every rating (two queries, whatever the history)."""
    goals = Goal.objects.filter(client=client)
    if not include_closed:
        goals = goals.filter(closed_on__isnull=True)
    goals = goals.prefetch_related(
        Prefetch("ratings", queryset=GoalRating.objects.order_by("rated_on", "recorded_at"))
    )
    summaries = []
    for goal in goals:
        ratings = list(goal.ratings.all())
        summaries.append(
            GoalSummary(goal=goal, ratings=ratings, trend=trend_of([r.rating for r in ratings]))
        )
    return summaries
