"""Read-only views of the diary: a week, a day, a client's sessions and the rhythm of the work.

Callers pass people and clients already access-checked (see access.py). Every function issues a
fixed number of queries whatever the size of the diary: pages built on them stay as quick with
200,000 appointments as with 2,000.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from frame.accounts.models import User
from frame.clients.models import Client
from frame.contracts.terms import Terms
from frame.scheduling import recurrence, rhythm
from frame.scheduling.access import appointments_for
from frame.scheduling.counting import COUNTED_KINDS, SessionCount, count_sessions
from frame.scheduling.models import (
    HELD_STATUSES,
    Appointment,
    AppointmentChange,
    Attendance,
    PlannedBreak,
    RegularSlot,
    Status,
)

# Counted towards "Session n": held, or still planned (so upcoming sessions get their number).
NUMBERED_STATUSES = [Status.PLANNED, Status.ATTENDED, Status.LATE]


def practice_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def with_session_numbers(appointments: QuerySet[Appointment]) -> QuerySet[Appointment]:
    """Annotate `number_before`: the client's numbered sessions before each appointment.

    One correlated subquery per row, answered from the (client, starts_at) index: the cost of
    a page depends on the rows shown, not on how long the work has gone on.
    """
    before = (
        Appointment.objects.filter(
            client=OuterRef("client"),
            kind__in=list(COUNTED_KINDS),
            status__in=NUMBERED_STATUSES,
            starts_at__lt=OuterRef("starts_at"),
        )
        .order_by()
        .values("client")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return appointments.annotate(
        number_before=Coalesce(Subquery(before, output_field=IntegerField()), Value(0))
    )


def session_number(appointment: Any) -> int | None:
    """The appointment's "session n", if it was read with `with_session_numbers` and is counted."""
    before = getattr(appointment, "number_before", None)
    if before is None or appointment.kind not in COUNTED_KINDS:
        return None
    if appointment.status not in NUMBERED_STATUSES:
        return None
    return int(before) + 1


@dataclass(frozen=True)
class DiaryDay:
    day: dt.date
    appointments: list[Appointment]
    breaks: list[PlannedBreak]

    @property
    def is_today(self) -> bool:
        return self.day == timezone.localdate()


@dataclass(frozen=True)
class DiaryWeek:
    monday: dt.date
    days: list[DiaryDay]

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    @property
    def previous(self) -> dt.date:
        return self.monday - dt.timedelta(weeks=1)

    @property
    def next(self) -> dt.date:
        return self.monday + dt.timedelta(weeks=1)

    @property
    def count(self) -> int:
        return sum(len(day.appointments) for day in self.days)


def _diary(
    viewer: User, practitioner: User, first: dt.date, last: dt.date, *, numbered: bool
) -> tuple[list[Appointment], list[PlannedBreak]]:
    zone = practice_zone()
    start, end = recurrence.days_bounds(first, last, zone)
    rows = appointments_for(viewer).filter(
        practitioner=practitioner, starts_at__gte=start, starts_at__lt=end
    )
    if numbered:
        rows = with_session_numbers(rows)
    appointments = list(rows.select_related("client", "planned_break").order_by("starts_at", "id"))
    breaks = list(
        PlannedBreak.objects.filter(
            practitioner=practitioner,
            withdrawn_at__isnull=True,
            starts_at__lt=end,
            ends_at__gt=start,
        ).order_by("starts_at")
    )
    return appointments, breaks


def _group(
    first: dt.date, days: int, appointments: list[Appointment], breaks: list[PlannedBreak]
) -> list[DiaryDay]:
    zone = practice_zone()
    by_day: dict[dt.date, list[Appointment]] = {}
    for appointment in appointments:
        appointment.number = session_number(appointment)  # type: ignore[attr-defined]
        by_day.setdefault(appointment.starts_at.astimezone(zone).date(), []).append(appointment)
    result = []
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        result.append(
            DiaryDay(
                day=day,
                appointments=by_day.get(day, []),
                breaks=[b for b in breaks if b.first_day <= day <= b.last_day],
            )
        )
    return result


def week(viewer: User, practitioner: User, any_day: dt.date) -> DiaryWeek:
    """A week at a glance. Unnumbered: counting each client's history for a whole week of rows
    would make the page slower as the work goes on (the day list and the card number them)."""
    monday = recurrence.week_start(any_day)
    appointments, breaks = _diary(
        viewer, practitioner, monday, monday + dt.timedelta(days=6), numbered=False
    )
    return DiaryWeek(monday=monday, days=_group(monday, 7, appointments, breaks))


def day(viewer: User, practitioner: User, when: dt.date) -> DiaryDay:
    appointments, breaks = _diary(viewer, practitioner, when, when, numbered=True)
    return _group(when, 1, appointments, breaks)[0]


# --- A client's sessions ----------------------------------------------------------------------


def current_slots(client: Client) -> list[RegularSlot]:
    """The client's regular slots still running (today or later)."""
    today = timezone.localdate()
    return list(
        RegularSlot.objects.filter(client=client, written_until__gte=today)
        .exclude(ended_at__isnull=False, until__isnull=True)  # ended before it began
        .select_related("practitioner")
        .order_by("first_day")[:5]
    )


def upcoming(client: Client, *, limit: int = 5) -> list[Appointment]:
    """The client's next appointments (cancelled ones included, so a change is visible)."""
    rows = list(
        with_session_numbers(Appointment.objects.filter(client=client, ends_at__gte=timezone.now()))
        .select_related("practitioner", "planned_break")
        .order_by("starts_at", "id")[:limit]
    )
    for row in rows:
        row.number = session_number(row)  # type: ignore[attr-defined]
    return rows


def recent(
    client: Client, *, limit: int = 20, before: dt.datetime | None = None
) -> list[Appointment]:
    """The client's past appointments, newest first, with what happened at each."""
    cutoff = before or timezone.now()
    rows = list(
        with_session_numbers(Appointment.objects.filter(client=client, ends_at__lt=cutoff))
        .select_related("practitioner", "attendance")
        .order_by("-starts_at", "-id")[:limit]
    )
    for row in rows:
        row.number = session_number(row)  # type: ignore[attr-defined]
    return rows


def awaiting_outcome(practitioner: User, viewer: User, *, limit: int = 10) -> list[Appointment]:
    """Sessions that have happened (or should have) with nothing recorded yet, most recent first."""
    now = timezone.now()
    return list(
        appointments_for(viewer)
        .filter(
            practitioner=practitioner,
            status=Status.PLANNED,
            starts_at__lt=now,
            starts_at__gte=now - dt.timedelta(weeks=8),
        )
        .select_related("client")
        .order_by("-starts_at")[:limit]
    )


def session_count(client: Client, terms: Terms) -> SessionCount:
    kinds = list(
        Appointment.objects.filter(
            client=client, status__in=list(HELD_STATUSES), kind__in=list(COUNTED_KINDS)
        )
        .order_by("starts_at", "id")
        .values_list("kind", flat=True)
    )
    return count_sessions(kinds, terms)


def rhythm_for(client: Client, *, weeks: int = rhythm.WINDOW_WEEKS) -> rhythm.Rhythm:
    """The facts of the last `weeks` weeks: sessions held and where, changes and notice."""
    now = timezone.now()
    since = now - dt.timedelta(weeks=weeks)
    past = list(
        Appointment.objects.filter(client=client, starts_at__gte=since, starts_at__lt=now)
        .filter(status__in=[Status.ATTENDED, Status.LATE, Status.DID_NOT_ATTEND])
        .values_list("status", "slot_id", "starts_at", "slot_starts_at")
    )
    held = [
        rhythm.Held(in_agreed_slot=slot_id is not None and starts_at == slot_starts_at)
        for status, slot_id, starts_at, slot_starts_at in past
        if status in HELD_STATUSES
    ]
    did_not_attend = sum(1 for status, *_ in past if status == Status.DID_NOT_ATTEND)
    cancellations = Attendance.objects.filter(
        appointment__client=client,
        outcome__in=[Status.CANCELLED_BY_CLIENT, Status.CANCELLED_BY_PRACTITIONER],
        recorded_at__gte=since,
    ).values_list("outcome", "notice_minutes")
    moves = AppointmentChange.objects.filter(client=client, recorded_at__gte=since).values_list(
        "initiator", "notice_minutes", "previous_starts_at", "new_starts_at"
    )
    changes = [
        rhythm.Change(
            initiator=rhythm.Initiator.CLIENT
            if outcome == Status.CANCELLED_BY_CLIENT
            else rhythm.Initiator.PRACTITIONER,
            cancelled=True,
            notice=dt.timedelta(minutes=notice or 0),
        )
        for outcome, notice in cancellations
    ] + [
        rhythm.Change(
            initiator=rhythm.Initiator(initiator),
            cancelled=False,
            notice=dt.timedelta(minutes=notice),
        )
        for initiator, notice, previous, new in moves
        if previous != new
    ]
    has_slot = RegularSlot.objects.filter(
        client=client, first_day__lte=timezone.localdate()
    ).exists()
    return rhythm.summarise(
        held, changes, did_not_attend=did_not_attend, has_slot=has_slot, weeks=weeks
    )


def upcoming_breaks(practitioners: list[Any], *, within_days: int = 183) -> list[PlannedBreak]:
    """Planned breaks of these practitioners that have not ended, up to six months ahead."""
    now = timezone.now()
    return list(
        PlannedBreak.objects.filter(
            practitioner__in=practitioners,
            withdrawn_at__isnull=True,
            ends_at__gt=now,
            starts_at__lt=now + dt.timedelta(days=within_days),
        )
        .select_related("practitioner")
        .order_by("starts_at")[:10]
    )
