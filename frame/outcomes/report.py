"""The service outcomes report, counted by the database in one query whatever the caseload.

Each ended client becomes one row of an inner query (correlated subqueries read the client's
attended sessions and paired PHQ-9/GAD-7 totals through their indexes), and the outer query adds
the rows up. Django wraps the inner query as a derived table because the sums refer to subquery
annotations, so each subquery runs once per client, not once per reference. The rules are those
of frame.measures.change.classify_episode; episodes.py is the Python reference they are tested
against, and tests/bench/outcomes.py times this against hand-written SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from frame.accounts.models import CLINICAL_ROLES, Membership
from frame.clients.models import Client
from frame.measures.change import NHS_TALKING_THERAPIES, EpisodeConvention
from frame.measures.models import Administration
from frame.outcomes.episodes import (
    ENDED_STATUSES,
    GAD7,
    HELD,
    PHQ9,
    TREATMENT_KINDS,
    period_bounds,
)
from frame.scheduling.models import Appointment

NO_LIMIT = 2**62  # more episodes than any practice will have; see service_outcomes

# What a report counts for each group of episodes (the rates are made from these).
COUNTS = (
    "episodes",
    "finished",
    "paired",
    "cases",
    "recovered",
    "improved",
    "reliably_recovered",
    "deteriorated",
)


@dataclass(frozen=True)
class Rate:
    key: str
    label: str
    numerator: int
    denominator: int
    explanation: str

    @property
    def percent(self) -> float | None:
        if not self.denominator:
            return None
        return 100 * self.numerator / self.denominator

    @property
    def percent_display(self) -> str:
        value = self.percent
        return "—" if value is None else f"{value:.1f}%"


@dataclass(frozen=True)
class Outcomes:
    """The counts for one group of episodes (the whole practice, or one practitioner's)."""

    label: str
    counts: dict[str, int]
    practitioner_id: int | None = None
    convention: EpisodeConvention = field(default=NHS_TALKING_THERAPIES, compare=False)

    def rates(self) -> list[Rate]:
        c, conv = self.counts, self.convention
        return [
            Rate(
                "completeness",
                "Paired-score completeness",
                c["paired"],
                c["finished"],
                "Of the episodes with at least two attended treatment sessions, how many have "
                "a PHQ-9 and a GAD-7 completed on the same day near the start and again on a "
                "later day. Only these can be assessed.",
            ),
            Rate(
                "recovery",
                "Recovery",
                c["recovered"],
                c["cases"],
                f"Of the assessed episodes that began above the clinical threshold (PHQ-9 "
                f"{conv.phq9_case} or more, or GAD-7 {conv.gad7_case} or more), how many ended "
                "below it on both.",
            ),
            Rate(
                "improvement",
                "Reliable improvement",
                c["improved"],
                c["paired"],
                f"Of the assessed episodes, how many improved by more than chance variation "
                f"allows ({conv.phq9_threshold} points on PHQ-9 or {conv.gad7_threshold} on "
                "GAD-7) without reliably worsening on the other.",
            ),
            Rate(
                "reliable_recovery",
                "Reliable recovery",
                c["reliably_recovered"],
                c["cases"],
                "Of the assessed episodes that began above the clinical threshold, how many "
                "both recovered and reliably improved.",
            ),
            Rate(
                "deterioration",
                "Reliable deterioration",
                c["deteriorated"],
                c["paired"],
                f"Of the assessed episodes, how many worsened by at least {conv.phq9_threshold} "
                f"points on PHQ-9 or {conv.gad7_threshold} on GAD-7.",
            ),
        ]


def _count(subquery: QuerySet[Any]) -> Subquery:
    return Subquery(
        subquery.order_by().values("client_id").annotate(n=Count("*")).values("n"),
        output_field=IntegerField(),
    )


def _scored(instrument: str) -> QuerySet[Administration]:
    return Administration.objects.filter(
        client=OuterRef("pk"), instrument=instrument, valid=True, total__isnull=False
    )


def _paired(instrument: str, other: str) -> QuerySet[Administration]:
    """The client's scored `instrument` on days that also have a scored `other`."""
    same_day = Administration.objects.filter(
        client=OuterRef("client"),
        instrument=other,
        valid=True,
        total__isnull=False,
        completed_on=OuterRef("completed_on"),
    )
    return _scored(instrument).filter(Exists(same_day))


def episode_rows(
    practice_id: int,
    start: dt.date,
    end: dt.date,
    *,
    practitioner_id: int | None = None,
) -> QuerySet[Client]:
    """One row per episode ending in the period, with what classification needs.

    Each value is its own correlated subquery, none built on another, so each runs once per
    client: the first PHQ-9 of a paired day is "the earliest paired day's last-recorded PHQ-9",
    not a lookup by a first day computed elsewhere (which both databases would recompute).
    """
    low, high = period_bounds(start, end)
    held = Appointment.objects.filter(
        client=OuterRef("pk"), status__in=HELD, kind__in=TREATMENT_KINDS
    )
    latest = held.order_by("-starts_at", "-pk")
    phq, gad = _paired(PHQ9, GAD7), _paired(GAD7, PHQ9)
    first, last = ("completed_on", "-recorded_at", "-pk"), ("-completed_on", "-recorded_at", "-pk")
    rows = (
        Client.objects.filter(practice_id=practice_id, status__in=ENDED_STATUSES)
        # The last attended treatment session is in the period: one there, none after it.
        # Two index probes that stop at the first row, rather than a "last session" value
        # that the WHERE clause would compute twice.
        .filter(
            Exists(held.filter(starts_at__gte=low, starts_at__lt=high)),
            ~Exists(held.filter(starts_at__gte=high)),
        )
        .annotate(
            practitioner=Subquery(latest.values("practitioner_id")[:1]),
            sessions=Coalesce(_count(held), 0),
            first_day=Subquery(phq.order_by(*first).values("completed_on")[:1]),
            last_day=Subquery(phq.order_by(*last).values("completed_on")[:1]),
            phq_first=Subquery(phq.order_by(*first).values("total")[:1]),
            gad_first=Subquery(gad.order_by(*first).values("total")[:1]),
            phq_last=Subquery(phq.order_by(*last).values("total")[:1]),
            gad_last=Subquery(gad.order_by(*last).values("total")[:1]),
        )
    )
    if practitioner_id is not None:
        rows = rows.filter(practitioner=practitioner_id)
    return rows


def _conditions(conv: EpisodeConvention) -> dict[str, Q]:
    finished = Q(sessions__gte=conv.min_sessions)
    paired = finished & Q(last_day__gt=F("first_day"))
    case = Q(phq_first__gte=conv.phq9_case) | Q(gad_first__gte=conv.gad7_case)
    improved = Q(phq_last__lte=F("phq_first") - conv.phq9_threshold) | Q(
        gad_last__lte=F("gad_first") - conv.gad7_threshold
    )
    worse = Q(phq_last__gte=F("phq_first") + conv.phq9_threshold) | Q(
        gad_last__gte=F("gad_first") + conv.gad7_threshold
    )
    recovered = case & Q(phq_last__lt=conv.phq9_case, gad_last__lt=conv.gad7_case)
    return {
        "episodes": Q(pk__isnull=False),
        "finished": finished,
        "paired": paired,
        "cases": paired & case,
        "recovered": paired & recovered,
        "improved": paired & improved & ~worse,
        "reliably_recovered": paired & recovered & improved & ~worse,
        "deteriorated": paired & worse,
    }


def _sum(condition: Q) -> Coalesce:
    # Count(filter=...) would do, but Sum over a 0/1 CASE keeps the SQL the same on both databases.
    return Coalesce(Sum(Case(When(condition, then=Value(1)), default=Value(0))), 0)


def practitioners_of(practice_id: int) -> list[tuple[int, str]]:
    """Everyone in the practice who may hold sessions, past members included, by name."""
    members = (
        Membership.objects.filter(practice_id=practice_id, role__in=CLINICAL_ROLES)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    return [(m.user_id, m.user.full_name or m.user.email) for m in members]


def service_outcomes(
    practice_id: int,
    start: dt.date,
    end: dt.date,
    *,
    practitioners: list[tuple[int, str]],
    whole_practice: bool,
    label: str = "Whole practice",
    convention: EpisodeConvention = NHS_TALKING_THERAPIES,
) -> tuple[Outcomes, list[Outcomes]]:
    """The overall counts and one set per practitioner, in a single aggregate query.

    With `whole_practice` false the episodes are those of the one practitioner given, and the
    overall counts are theirs.
    """
    only = None if whole_practice else practitioners[0][0]
    rows = episode_rows(practice_id, start, end, practitioner_id=only)
    conditions = _conditions(convention)
    sums: dict[str, Any] = {f"all__{k}": _sum(q) for k, q in conditions.items()}
    if whole_practice:
        for user_id, _name in practitioners:
            mine = Q(practitioner=user_id)
            for key, condition in conditions.items():
                sums[f"p{user_id}__{key}"] = _sum(mine & condition)
    # The slice is a fence, not a limit: a derived table with LIMIT is never merged into the
    # query around it (SQLite's flattener, PostgreSQL's pull-up), so each client's subqueries run
    # once, not once for every sum that mentions them (8 x practitioners times, measured 100x).
    with transaction.atomic(using=rows.db):
        if connection.vendor == "postgresql":
            # PostgreSQL's JIT sees one statement with dozens of sums, compiles it (about a
            # second) and then runs it for a few milliseconds: measured slower at every size.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        totals = rows[:NO_LIMIT].aggregate(**sums)

    def group(prefix: str) -> dict[str, int]:
        return {key: int(totals[f"{prefix}__{key}"] or 0) for key in COUNTS}

    overall = Outcomes(label=label, counts=group("all"), convention=convention)
    per_practitioner = (
        [
            Outcomes(
                label=name,
                counts=group(f"p{user_id}"),
                practitioner_id=user_id,
                convention=convention,
            )
            for user_id, name in practitioners
        ]
        if whole_practice
        else []
    )
    return overall, per_practitioner
