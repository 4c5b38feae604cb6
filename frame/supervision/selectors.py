"""Reads for the supervision pages: monthly totals, client hours, the printable record."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import DurationField, ExpressionWrapper, F, Prefetch, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from frame.scheduling.models import HELD_STATUSES, Appointment
from frame.supervision import rules
from frame.supervision.access import breaks_for, supervisions_for
from frame.supervision.actions import requirement_for
from frame.supervision.models import CaseDiscussion, Pack, Supervision

MONTHS_SHOWN = 12


def client_minutes_by_month(user: Any, first: dt.date, last: dt.date) -> dict[dt.date, int]:
    """Minutes of client work held (attended, late included) per calendar month. One query."""
    start = dt.datetime.combine(rules.month_of(first), dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(rules.next_month(rules.month_of(last)), dt.time.min, tzinfo=dt.UTC)
    rows = (
        Appointment.objects.filter(
            practitioner=user,
            status__in=sorted(HELD_STATUSES),
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .annotate(month=TruncMonth("starts_at"))
        .values("month")
        .annotate(
            held=Sum(ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField()))
        )
        .values_list("month", "held")
    )
    found: dict[dt.date, int] = {}
    for month, held in rows:
        day = month.date() if isinstance(month, dt.datetime) else month
        found[rules.month_of(day)] = int(held.total_seconds() // 60) if held else 0
    return found


@dataclass(frozen=True)
class Overview:
    requirement: rules.Requirement
    months: list[rules.MonthResult]

    @property
    def short(self) -> list[rules.MonthResult]:
        return [m for m in self.months if m.status == rules.Status.SHORT]


def overview(user: Any, first: dt.date, last: dt.date) -> Overview:
    """Each month from `first` to `last`, judged against the user's requirement."""
    today = timezone.localdate()
    # From a fortnight before: the student rule looks back to the last supervision.
    since = rules.month_of(first) - dt.timedelta(days=rules.STUDENT_LONGEST_GAP_DAYS + 1)
    sessions = [
        s.as_session()
        for s in supervisions_for(user)
        .filter(held_on__gte=since, held_on__lte=rules.last_day(last))
        .filter(recorded_in_error_at__isnull=True)
        .only("held_on", "kind", "minutes", "group_size")
    ]
    breaks = list(
        breaks_for(user)
        .filter(month__gte=rules.month_of(first), month__lte=last)
        .values_list("month", flat=True)
    )
    requirement = requirement_for(user)
    months = rules.evaluate(
        months=rules.months_between(first, last),
        sessions=sessions,
        client_minutes=client_minutes_by_month(user, first, last),
        breaks=breaks,
        requirement=requirement,
        today=today,
    )
    return Overview(requirement=requirement, months=months)


def recent_months(
    today: dt.date | None = None, count: int = MONTHS_SHOWN
) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    last = rules.month_of(today)
    first = last
    for _ in range(count - 1):
        first = rules.month_of(first - dt.timedelta(days=1))
    return first, last


def log_between(user: Any, first: dt.date, last: dt.date) -> list[Supervision]:
    """The counted entries of a period, each with `case_codes`: the cases discussed, by code."""
    entries = list(
        supervisions_for(user)
        .filter(held_on__gte=rules.month_of(first), held_on__lte=rules.last_day(last))
        .filter(recorded_in_error_at__isnull=True)
        .order_by("held_on", "recorded_at")
        .prefetch_related(
            Prefetch(
                "discussions",
                queryset=CaseDiscussion.objects.select_related("client").only(
                    "id", "supervision_id", "client__case_code"
                ),
            )
        )
    )
    for entry in entries:
        entry.case_codes = sorted({d.client.case_code for d in entry.discussions.all()})
    return entries


def pack_content(pack: Pack) -> dict[str, Any]:
    content: dict[str, Any] = json.loads(pack.content)
    return content
