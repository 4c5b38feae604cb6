"""Read-side queries for endings. Each issues a fixed number of queries, whatever the history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Q
from django.utils import timezone

from frame.clients import lifecycle
from frame.clients.models import Client, StatusChange
from frame.endings import retention
from frame.endings.models import Ending, PlannedEnding, RetentionPolicy, RetentionStart
from frame.scheduling.counting import COUNTED_KINDS, COUNTING_RULE
from frame.scheduling.models import HELD_STATUSES, Appointment, Status


def plan_history(client: Client) -> list[PlannedEnding]:
    """Every planned ending set for the client, newest first (one query)."""
    return list(PlannedEnding.objects.filter(client=client).select_related("set_by"))


def current_plan(client: Client) -> PlannedEnding | None:
    """The planned ending in force: the newest row, unless it withdrew the plan or the work has
    ended since it was set (a client who comes back starts without a plan)."""
    newest = PlannedEnding.objects.filter(client=client).first()
    if newest is None or newest.withdrawn:
        return None
    ended_since = Ending.objects.filter(client=client, recorded_at__gte=newest.set_at).exists()
    return None if ended_since else newest


def latest_plan_row(client: Client) -> PlannedEnding | None:
    return PlannedEnding.objects.filter(client=client).first()


def latest_ending(client: Client) -> Ending | None:
    return Ending.objects.filter(client=client).first()


def unrecorded_end(client: Client) -> StatusChange | None:
    """The change to "ended" made on the client card with no ending recorded since (so no
    retention dates yet), if that is how the client's work ended; else None (two queries)."""
    if client.status != lifecycle.ENDED:
        return None
    change = (
        StatusChange.objects.filter(client=client, to_status=lifecycle.ENDED)
        .order_by("-changed_at", "-id")
        .first()
    )
    ending = latest_ending(client)
    if change is None or (ending is not None and ending.recorded_at >= change.changed_at):
        return None
    return change


def process_months_for(practice_id: int) -> int:
    found = (
        RetentionPolicy.objects.filter(practice_id=practice_id)
        .values_list("process_months", flat=True)
        .first()
    )
    return found if found is not None else retention.DEFAULT_PROCESS_MONTHS


def retention_for(ending: Ending) -> list[RetentionStart]:
    return list(RetentionStart.objects.filter(ending=ending))


@dataclass(frozen=True)
class Attendance:
    held: int  # counted sessions held so far (counting.py's rule)
    booked: int  # counted sessions booked from now on
    last_held_on: dt.date | None


def attendance(client: Client) -> Attendance:
    """Held and booked counted sessions, and the day of the last held one (one query)."""
    counted = Q(kind__in=list(COUNTED_KINDS))
    held = counted & Q(status__in=list(HELD_STATUSES))
    found = Appointment.objects.filter(client=client).aggregate(
        held=Count("pk", filter=held),
        booked=Count(
            "pk", filter=counted & Q(status=Status.PLANNED, starts_at__gte=timezone.now())
        ),
        last=Max("starts_at", filter=Q(status__in=list(HELD_STATUSES))),
    )
    last = found["last"]
    return Attendance(
        held=found["held"],
        booked=found["booked"],
        last_held_on=timezone.localdate(last) if last is not None else None,
    )


@dataclass(frozen=True)
class Countdown:
    plan: PlannedEnding
    attendance: Attendance
    today: dt.date

    @property
    def sessions_left(self) -> int | None:
        if self.plan.sessions is None:
            return None
        return max(self.plan.sessions - self.attendance.held, 0)

    @property
    def days_left(self) -> int | None:
        return None if self.plan.end_on is None else (self.plan.end_on - self.today).days

    @property
    def unbooked(self) -> int:
        """Agreed sessions left that are not in the diary yet."""
        left = self.sessions_left
        return 0 if left is None else max(left - self.attendance.booked, 0)

    @property
    def is_near(self) -> bool:
        """Close enough to the end to prepare for it: two sessions or three weeks away."""
        left, days = self.sessions_left, self.days_left
        return (left is not None and left <= 2) or (days is not None and days <= 21)

    @property
    def summary(self) -> str:
        """For example "3 sessions left · ends on 14 January 2027 (in 6 weeks)"."""
        parts = []
        left = self.sessions_left
        if left is not None:
            if left == 0:
                parts.append(f"All {self.plan.sessions} agreed sessions have been held")
            else:
                plural = "s" if left != 1 else ""
                parts.append(f"{left} session{plural} left of {self.plan.sessions}")
        if self.plan.end_on is not None:
            parts.append(f"ends on {self.plan.end_on.day} {self.plan.end_on:%B %Y}{self._when()}")
        text = " · ".join(parts)
        return text[:1].upper() + text[1:]

    def _when(self) -> str:
        days = self.days_left
        if days is None:
            return ""
        if days < 0:
            return " (already passed)"
        if days == 0:
            return " (today)"
        if days < 14:
            return f" (in {days} day{'s' if days != 1 else ''})"
        return f" (in {days // 7} weeks)"

    counting_rule = COUNTING_RULE


def countdown(client: Client) -> Countdown | None:
    """The countdown to a planned ending, while the work is still going on (two queries)."""
    if client.status in (lifecycle.ENDED, lifecycle.ARCHIVED):
        return None
    plan = current_plan(client)
    if plan is None:
        return None
    return Countdown(plan=plan, attendance=attendance(client), today=timezone.localdate())
