"""Read-side queries for the journal and the CPD record. Each issues a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from frame.clients.models import Client
from frame.development import years
from frame.development.access import cpd_for, journal_for
from frame.development.models import CpdActivity, JournalEntry


def journal_listed(user: Any) -> QuerySet[JournalEntry]:
    return (
        journal_for(user)
        .select_related("client")
        .only("id", "written_on", "text", "created_at", "client__id", "client__case_code")
    )


def tagged_with(user: Any, client: Client) -> QuerySet[JournalEntry]:
    """`user`'s journal entries tagged with `client`: what to review if the client asks for
    their records."""
    return journal_for(user).filter(client=client)


@dataclass(frozen=True)
class CpdOverview:
    start: years.YearStart
    totals: list[years.YearTotal]
    year: years.CpdYear
    total: years.YearTotal


def cpd_overview(user: Any, start: years.YearStart, key: int | None) -> CpdOverview:
    """Totals for every year (one query over dates, hours and kinds), and the chosen year."""
    rows = cpd_for(user).values_list("done_on", "hours", "kind")
    totals = years.totals(rows, start)
    year = (
        years.year_starting(key, start)
        if key is not None
        else years.year_of(timezone.localdate(), start)
    )
    total = next((t for t in totals if t.year.key == year.key), years.YearTotal(year=year))
    return CpdOverview(start=start, totals=totals, year=year, total=total)


def activities_in(user: Any, year: years.CpdYear) -> QuerySet[CpdActivity]:
    return (
        cpd_for(user)
        .filter(done_on__gte=year.starts, done_on__lte=year.ends)
        .order_by("done_on", "recorded_at")
    )
