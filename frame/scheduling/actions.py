"""Every change to the diary happens here: booking, regular slots, moves, attendance, breaks.

Each action takes keyword arguments only and an explicit actor (`by=`), runs in one transaction
and writes its audit event inside it. Audit details carry ids, counts and statuses, never anything
typed. Double booking is refused by the database itself (BookedUnit's unique key); the checks
here only turn that refusal, and other bad input, into a plain sentence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from frame.accounts.models import Membership, Role, User
from frame.audit.actions import record
from frame.audit.models import Action
from frame.clients.access import Section, may_see
from frame.clients.models import Client
from frame.contracts.selectors import practice_terms, terms_for
from frame.scheduling import attendance_rules, calendars, recurrence
from frame.scheduling.access import bookable_practitioners
from frame.scheduling.attendance_rules import Outcome
from frame.scheduling.models import (
    CANCELLED_STATUSES,
    OCCUPYING_STATUSES,
    Appointment,
    AppointmentChange,
    Attendance,
    BookedUnit,
    CalendarFeed,
    DiarySettings,
    Frequency,
    Kind,
    PlannedBreak,
    RegularSlot,
    Status,
)

# Open-ended slots are written out this far ahead, and extended as the weeks pass.
OPEN_ENDED_WEEKS_AHEAD = 52
# A slot with an end is written out in full, so its end must be in sight.
LONGEST_SLOT = dt.timedelta(days=5 * 366)
LONGEST_BREAK_DAYS = 366
_BATCH = 500


def practice_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


# --- Checks shared by the actions -------------------------------------------------------------


def _membership(by: User) -> Membership:
    membership = by.active_membership
    if membership is None or not (membership.is_clinical or membership.role == Role.ADMINISTRATOR):
        raise PermissionDenied("Only the practice's clinicians and administrators keep the diary.")
    return membership


def _require_client(by: User, client: Client) -> Membership:
    """Actions check access themselves too: commands and the worker call them, not just views."""
    membership = _membership(by)
    if client.practice_id != membership.practice_id or not may_see(by, client, Section.IDENTITY):
        raise PermissionDenied("You cannot book sessions for this client.")
    return membership


def _check_practitioner(client: Client, practitioner: User) -> None:
    if not bookable_practitioners(client).filter(pk=practitioner.pk).exists():
        raise ValidationError(
            {"practitioner": "Sessions are held by a clinician on the client's care team."}
        )


def _check_duration(minutes: int, field_name: str = "duration_minutes") -> None:
    if minutes < recurrence.UNIT_MINUTES or minutes > recurrence.LONGEST_APPOINTMENT_MINUTES:
        raise ValidationError({field_name: "A session lasts between 5 minutes and 8 hours."})
    if minutes % recurrence.UNIT_MINUTES:
        raise ValidationError(
            {field_name: "Please give the length in whole 5 minutes (for example 50 or 55)."}
        )


def _instant(day: dt.date, time: dt.time, zone: ZoneInfo, field_name: str = "time") -> dt.datetime:
    try:
        starts_at = recurrence.to_instant(day, time, zone)
    except recurrence.LocalTimeProblem as problem:
        raise ValidationError({field_name: str(problem)}) from None
    if not recurrence.is_on_unit(starts_at):
        raise ValidationError(
            {field_name: "Sessions start on a 5-minute mark, for example 10:00 or 10:05."}
        )
    return starts_at


def _when(instant: dt.datetime) -> str:
    moment = instant.astimezone(practice_zone())
    return f"{moment:%A} {moment.day} {moment:%B %Y} at {moment:%H:%M}"


def _break_covering(
    practitioner: User, starts_at: dt.datetime, ends_at: dt.datetime
) -> PlannedBreak | None:
    return (
        PlannedBreak.objects.filter(
            practitioner=practitioner,
            withdrawn_at__isnull=True,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
        .order_by("starts_at")
        .first()
    )


def _refuse_inside_break(
    practitioner: User, starts_at: dt.datetime, ends_at: dt.datetime, field_name: str
) -> None:
    found = _break_covering(practitioner, starts_at, ends_at)
    if found is not None:
        raise ValidationError(
            {
                field_name: (
                    f"That is during {_whose(practitioner)} planned break "
                    f"({_days(found.first_day, found.last_day)}). Please choose another time."
                )
            }
        )


def _whose(practitioner: User) -> str:
    return f"{practitioner.full_name or practitioner.email}'s"


def _days(first: dt.date, last: dt.date) -> str:
    if first == last:
        return f"{first:%A} {first.day} {first:%B %Y}"
    return f"{first.day} {first:%B %Y} to {last.day} {last:%B %Y}"


def _overlapping(
    practitioner: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    *,
    excluding: Appointment | None = None,
) -> list[Appointment]:
    found = Appointment.objects.filter(
        practitioner=practitioner,
        status__in=list(OCCUPYING_STATUSES),
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )
    if excluding is not None:
        found = found.exclude(pk=excluding.pk)
    return list(found.order_by("starts_at")[:5])


def _double_booked(
    practitioner: User, clashes: Sequence[Appointment], field_name: str
) -> ValidationError:
    if clashes:
        times = "; ".join(
            f"{_when(a.starts_at)} to {a.ends_at.astimezone(practice_zone()):%H:%M}"
            for a in clashes
        )
        message = (
            f"{practitioner.full_name or practitioner.email} is already booked then ({times})."
        )
    else:
        message = f"{practitioner.full_name or practitioner.email} is already booked then."
    return ValidationError({field_name: message + " Please choose another time."})


def _units_for(appointments: Iterable[Appointment]) -> list[BookedUnit]:
    return [
        BookedUnit(practitioner_id=a.practitioner_id, unit=unit, appointment_id=a.pk)
        for a in appointments
        for unit in recurrence.units(a.starts_at, a.ends_at)
    ]


def _claim(appointments: Sequence[Appointment], field_name: str = "time") -> None:
    """Take the appointments' time units; the database refuses any already taken.

    The savepoint keeps the surrounding transaction usable after the refusal (PostgreSQL aborts
    a transaction on an error otherwise), so the clash can be looked up and described.
    """
    try:
        with transaction.atomic():
            BookedUnit.objects.bulk_create(_units_for(appointments), batch_size=_BATCH)
    except IntegrityError:
        first = appointments[0]
        clashes = (
            _overlapping(first.practitioner, first.starts_at, first.ends_at, excluding=first)
            if len(appointments) == 1
            else []
        )
        raise _double_booked(first.practitioner, clashes, field_name) from None


def _release(appointment: Appointment) -> None:
    BookedUnit.objects.filter(appointment=appointment).delete()


def _lock(appointment: Appointment) -> Appointment:
    """The appointment's current row, held until commit (PostgreSQL; SQLite's lock serialises)."""
    return (
        Appointment.objects.select_for_update()
        .select_related("client", "practitioner")
        .get(pk=appointment.pk)
    )


def _check_location(location: str, online_link: str) -> None:
    if online_link and not online_link.startswith("https://"):
        raise ValidationError(
            {"online_link": "Online links start with https:// so they are private in transit."}
        )


# --- One-off appointments ---------------------------------------------------------------------


@transaction.atomic
def book_appointment(
    *,
    by: User,
    client: Client,
    practitioner: User,
    day: dt.date,
    time: dt.time,
    duration_minutes: int,
    kind: str = Kind.SESSION,
    location: str = "",
    online_link: str = "",
) -> Appointment:
    """One appointment. Refused if the practitioner is booked then or on a planned break."""
    _require_client(by, client)
    _check_practitioner(client, practitioner)
    _check_duration(duration_minutes)
    _check_location(location, online_link)
    if kind not in Kind.values:
        raise ValidationError({"kind": "Please choose a type of appointment."})
    starts_at = _instant(day, time, practice_zone())
    ends_at = starts_at + dt.timedelta(minutes=duration_minutes)
    _refuse_inside_break(practitioner, starts_at, ends_at, "day")
    appointment = Appointment.objects.create(
        practice_id=client.practice_id,
        client=client,
        practitioner=practitioner,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        online_link=online_link,
        created_by=by,
    )
    _claim([appointment])
    record(
        action=Action.APPOINTMENT_BOOKED,
        actor=by,
        target=appointment,
        client=client,
        detail={"kind": kind, "practitioner_id": practitioner.pk},
    )
    return appointment


# --- Regular slots ----------------------------------------------------------------------------


@dataclass
class Written:
    """What writing out a slot's sessions did."""

    created: list[Appointment] = field(default_factory=list)
    skipped_for_breaks: list[dt.date] = field(default_factory=list)
    skipped_for_clashes: list[dt.date] = field(default_factory=list)


def _active_breaks(
    practitioner_id: int, start: dt.datetime, end: dt.datetime
) -> list[PlannedBreak]:
    return list(
        PlannedBreak.objects.filter(
            practitioner_id=practitioner_id,
            withdrawn_at__isnull=True,
            starts_at__lt=end,
            ends_at__gt=start,
        )
    )


def _write_sessions(
    slot: RegularSlot, *, start: dt.date, end: dt.date, by: User, skip_clashes: bool
) -> Written:
    """Create the slot's missing sessions from `start` to `end`, skipping planned breaks.

    With `skip_clashes` (the worker extending a slot) a date already booked for something else is
    left out; otherwise the whole change is refused with the clashing dates named.
    """
    written = Written()
    rule = slot.rule()
    problems = rule.problems(start=start, end=end)
    if problems:
        if skip_clashes:
            bad = {p.day for p in problems}
        else:
            raise ValidationError({"time": _local_time_problems(problems)})
    else:
        bad = set()
    occurrences = [
        recurrence.Occurrence(day=day, starts_at=recurrence.to_instant(day, slot.time, slot.zone))
        for day in rule.days(start=start, end=end)
        if day not in bad
    ]
    if not occurrences:
        return written
    length = dt.timedelta(minutes=slot.duration_minutes)
    existing = set(
        Appointment.objects.filter(slot=slot, slot_day__gte=start, slot_day__lte=end).values_list(
            "slot_day", flat=True
        )
    )
    window = (occurrences[0].starts_at, occurrences[-1].starts_at + length)
    breaks = _active_breaks(slot.practitioner_id, *window)
    busy = list(
        Appointment.objects.filter(
            practitioner_id=slot.practitioner_id,
            status__in=list(OCCUPYING_STATUSES),
            starts_at__lt=window[1],
            ends_at__gt=window[0],
        )
        .exclude(slot=slot)
        .values_list("starts_at", "ends_at")
    )
    clashes: list[dt.date] = []
    for occurrence in occurrences:
        if occurrence.day in existing:
            continue
        ends_at = occurrence.starts_at + length
        if any(b.starts_at < ends_at and b.ends_at > occurrence.starts_at for b in breaks):
            written.skipped_for_breaks.append(occurrence.day)
            continue
        if any(s < ends_at and e > occurrence.starts_at for s, e in busy):
            clashes.append(occurrence.day)
            continue
        written.created.append(
            Appointment(
                practice_id=slot.practice_id,
                client_id=slot.client_id,
                practitioner_id=slot.practitioner_id,
                slot=slot,
                slot_day=occurrence.day,
                slot_starts_at=occurrence.starts_at,
                kind=slot.kind,
                starts_at=occurrence.starts_at,
                ends_at=ends_at,
                location=slot.location,
                online_link=slot.online_link,
                created_by=by,
            )
        )
    if clashes and not skip_clashes:
        shown = ", ".join(f"{day.day} {day:%B %Y}" for day in clashes[:6])
        more = f" and {len(clashes) - 6} more" if len(clashes) > 6 else ""
        raise ValidationError(
            {
                "time": (
                    f"{slot.practitioner.full_name or slot.practitioner.email} is already "
                    f"booked at that time on {shown}{more}. Please choose another time, or move "
                    "those appointments first."
                )
            }
        )
    written.skipped_for_clashes = clashes
    if written.created:
        Appointment.objects.bulk_create(written.created, batch_size=_BATCH)
        try:
            _claim(written.created)
        except ValidationError:
            # Someone booked one of these times a moment ago (the check above ran first).
            raise ValidationError(
                {
                    "time": "Another booking was made at one of these times just now. "
                    "Please look at the diary and try again."
                }
            ) from None
    return written


def _local_time_problems(problems: Sequence[recurrence.LocalTimeProblem]) -> str:
    if len(problems) == 1:
        return str(problems[0])
    days = ", ".join(f"{p.day.day} {p.day:%B %Y}" for p in problems)
    return (
        f"That time does not exist, or happens twice, on {days}, when the clocks change. "
        "Please choose another time."
    )


def _slot_end(first_day: dt.date, until: dt.date | None, count: int | None, interval: int) -> None:
    if until is not None and count is not None:
        raise ValidationError(
            {"ends": "End the regular slot after a number of sessions or on a date, not both."}
        )
    if until is not None:
        if until < first_day:
            raise ValidationError({"until": "The last date cannot be before the first session."})
        if until - first_day > LONGEST_SLOT:
            raise ValidationError(
                {
                    "until": "A slot with an end date can be planned up to five years ahead. "
                    "For longer, leave it open-ended."
                }
            )
    if count is not None:
        if count < 1:
            raise ValidationError({"count": "A regular slot has at least one session."})
        if dt.timedelta(weeks=interval * (count - 1)) > LONGEST_SLOT:
            raise ValidationError(
                {
                    "count": "That many sessions reaches more than five years ahead. "
                    "For longer work, leave the slot open-ended."
                }
            )


def _written_until(rule: recurrence.SlotRule, today: dt.date) -> dt.date:
    last = rule.last_day()
    if last is not None:
        return last
    return max(today, rule.first_day) + dt.timedelta(weeks=OPEN_ENDED_WEEKS_AHEAD)


@dataclass
class SlotResult:
    slot: RegularSlot
    written: Written


@transaction.atomic
def create_regular_slot(
    *,
    by: User,
    client: Client,
    practitioner: User,
    first_day: dt.date,
    time: dt.time,
    interval_weeks: int,
    duration_minutes: int,
    kind: str = Kind.SESSION,
    location: str = "",
    online_link: str = "",
    until: dt.date | None = None,
    count: int | None = None,
    follows: RegularSlot | None = None,
) -> SlotResult:
    """A regular slot and its sessions; refused if any session would clash or cannot exist."""
    _require_client(by, client)
    _check_practitioner(client, practitioner)
    _check_duration(duration_minutes)
    _check_location(location, online_link)
    if interval_weeks not in Frequency.values:
        raise ValidationError({"interval_weeks": "Choose weekly or fortnightly."})
    if kind not in Kind.values:
        raise ValidationError({"kind": "Please choose a type of appointment."})
    today = timezone.localdate()
    if first_day < today:
        raise ValidationError(
            {"first_day": "A regular slot starts today or later. Record past sessions one by one."}
        )
    _slot_end(first_day, until, count, interval_weeks)
    zone = practice_zone()
    first_start = _instant(first_day, time, zone)
    _refuse_inside_break(
        practitioner,
        first_start,
        first_start + dt.timedelta(minutes=duration_minutes),
        "first_day",
    )
    rule = recurrence.SlotRule(
        first_day=first_day,
        time=time,
        zone=zone,
        interval_weeks=interval_weeks,
        until=until,
        count=count,
    )
    slot = RegularSlot.objects.create(
        practice_id=client.practice_id,
        client=client,
        practitioner=practitioner,
        first_day=first_day,
        time=time,
        time_zone=str(zone.key),
        interval_weeks=interval_weeks,
        until=until,
        count=count,
        duration_minutes=duration_minutes,
        kind=kind,
        location=location,
        online_link=online_link,
        written_until=_written_until(rule, today),
        follows=follows,
        created_by=by,
    )
    written = _write_sessions(
        slot, start=first_day, end=slot.written_until, by=by, skip_clashes=False
    )
    record(
        action=Action.SLOT_CREATED,
        actor=by,
        target=slot,
        client=client,
        detail={
            "interval_weeks": interval_weeks,
            "sessions_written": len(written.created),
            "skipped_for_breaks": len(written.skipped_for_breaks),
            "open_ended": slot.is_open_ended,
            "follows": str(follows.pk) if follows else None,
        },
    )
    return SlotResult(slot=slot, written=written)


def _replaceable(slot: RegularSlot, from_day: dt.date) -> Any:
    """The slot's sessions from `from_day` on that have not happened and have no outcome."""
    return Appointment.objects.filter(
        slot=slot, slot_day__gte=from_day, status=Status.PLANNED, attendance__isnull=True
    )


def _cut_slot(slot: RegularSlot, from_day: dt.date, by: User) -> int:
    """End `slot` before `from_day`, removing its sessions from then on that never took place."""
    rule = slot.rule()
    shortened = rule.ending_before(from_day)
    _, deleted = _replaceable(slot, from_day).delete()  # their booked units go with them
    removed = deleted.get(Appointment._meta.label, 0)
    if shortened is None:
        slot.until = None
        slot.count = None
        slot.ended_at = timezone.now()
        slot.ended_by = by
        slot.written_until = max(slot.first_day, from_day - dt.timedelta(days=1))
        slot.save(update_fields=["until", "count", "ended_at", "ended_by", "written_until"])
    else:
        slot.until = shortened.until
        slot.count = None
        slot.written_until = min(slot.written_until, shortened.until or slot.written_until)
        slot.ended_at = timezone.now()
        slot.ended_by = by
        slot.save(update_fields=["until", "count", "written_until", "ended_at", "ended_by"])
    return int(removed)


def _slot_of(appointment: Appointment) -> tuple[RegularSlot, dt.date]:
    """The appointment's regular slot (locked) and the slot date it stands for."""
    day = appointment.slot_day
    if appointment.slot_id is None or day is None:
        raise ValidationError("This appointment is not part of a regular slot.")
    slot = RegularSlot.objects.select_for_update().get(pk=appointment.slot_id)
    if slot.ended_at is not None and (slot.until is None or day > slot.until):
        raise ValidationError("This regular slot has already ended from an earlier date.")
    return slot, day


@transaction.atomic
def change_slot_from(
    *,
    by: User,
    appointment: Appointment,
    first_day: dt.date,
    time: dt.time,
    interval_weeks: int,
    duration_minutes: int,
    location: str = "",
    online_link: str = "",
    until: dt.date | None = None,
    count: int | None = None,
    open_ended: bool = False,
) -> SlotResult:
    """ "This and following": from this session's date on, the slot runs on new terms.

    The old slot ends before this date; its sessions from then on that have not taken place
    (including any moved on their own) are replaced by the new slot's. Sessions with an outcome
    already recorded stay as they are. Without a new end (or `open_ended`), time-limited work keeps
    its remaining number of sessions and a slot with an end date keeps that date.
    """
    appointment = _lock(appointment)
    _require_client(by, appointment.client)
    slot, from_day = _slot_of(appointment)
    if first_day < from_day:
        raise ValidationError(
            {"first_day": "The new arrangement starts on or after this session's date."}
        )
    keep_end = count is None and until is None and not open_ended
    if keep_end and slot.count is not None:
        count = max(slot.count - slot.rule().sessions_before(from_day), 1)
    if keep_end and slot.until is not None and slot.until >= first_day:
        until = slot.until
    removed = _cut_slot(slot, from_day, by)
    result = create_regular_slot(
        by=by,
        client=appointment.client,
        practitioner=slot.practitioner,
        first_day=first_day,
        time=time,
        interval_weeks=interval_weeks,
        duration_minutes=duration_minutes,
        kind=slot.kind,
        location=location,
        online_link=online_link,
        until=until,
        count=count,
        follows=slot,
    )
    record(
        action=Action.SLOT_CHANGED,
        actor=by,
        target=slot,
        client=appointment.client,
        detail={"new_slot": str(result.slot.pk), "sessions_replaced": removed},
    )
    return result


@transaction.atomic
def end_slot_from(*, by: User, appointment: Appointment) -> int:
    """End the regular slot: no sessions from this one's date on. Returns how many were removed."""
    appointment = _lock(appointment)
    _require_client(by, appointment.client)
    slot, from_day = _slot_of(appointment)
    removed = _cut_slot(slot, from_day, by)
    record(
        action=Action.SLOT_ENDED,
        actor=by,
        target=slot,
        client=appointment.client,
        detail={"sessions_removed": removed},
    )
    return removed


def extend_open_ended_slots(*, today: dt.date | None = None) -> int:
    """Write open-ended slots' sessions a year ahead again; returns how many sessions were added.

    Run by the system (a scheduled task), not a person: the new sessions are recorded as made by
    whoever set the slot up, and the audit event has no actor. Each slot is extended in its own
    transaction, so one problem leaves the others extended, and running it twice adds nothing
    the second time. Dates already booked for something else are left out rather than refused.
    """
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(weeks=OPEN_ENDED_WEEKS_AHEAD)
    added = 0
    slots = RegularSlot.objects.filter(
        ended_at__isnull=True, until__isnull=True, count__isnull=True, written_until__lt=horizon
    ).select_related("practitioner", "client", "created_by")
    for slot in slots:
        with transaction.atomic():
            written = _write_sessions(
                slot,
                start=slot.written_until + dt.timedelta(days=1),
                end=horizon,
                by=slot.created_by,
                skip_clashes=True,
            )
            RegularSlot.objects.filter(pk=slot.pk).update(written_until=horizon)
            record(
                action=Action.SLOT_EXTENDED,
                actor_role="system",
                target=slot,
                client=slot.client,
                practice_id=slot.practice_id,
                detail={
                    "sessions_written": len(written.created),
                    "skipped_for_breaks": len(written.skipped_for_breaks),
                    "skipped_for_clashes": len(written.skipped_for_clashes),
                },
            )
            added += len(written.created)
    return added


# --- Moving one appointment ("edit one occurrence") -----------------------------------------


def _told_at(told_at: dt.datetime | None, field_name: str = "told_at") -> dt.datetime:
    now = timezone.now()
    if told_at is None:
        return now
    if told_at > now + dt.timedelta(minutes=1):
        raise ValidationError({field_name: "The time you were told cannot be in the future."})
    return told_at


def _notice(starts_at: dt.datetime, told_at: dt.datetime) -> dt.timedelta:
    return max(starts_at - told_at, dt.timedelta(0))


@transaction.atomic
def move_appointment(
    *,
    by: User,
    appointment: Appointment,
    day: dt.date,
    time: dt.time,
    duration_minutes: int,
    location: str,
    online_link: str,
    initiator: str,
    told_at: dt.datetime | None = None,
) -> AppointmentChange | None:
    """Change one appointment only. A change of time records who asked and the notice given."""
    appointment = _lock(appointment)
    _require_client(by, appointment.client)
    if appointment.status != Status.PLANNED:
        raise ValidationError(
            "Only planned appointments can be moved; this one already has an outcome."
        )
    if initiator not in AppointmentChange.Initiator.values:
        raise ValidationError({"initiator": "Say who asked for the change."})
    _check_duration(duration_minutes)
    _check_location(location, online_link)
    starts_at = _instant(day, time, practice_zone())
    ends_at = starts_at + dt.timedelta(minutes=duration_minutes)
    told = _told_at(told_at)
    moved = (starts_at, ends_at) != (appointment.starts_at, appointment.ends_at)
    if moved:
        _refuse_inside_break(appointment.practitioner, starts_at, ends_at, "day")
    previous = (appointment.starts_at, appointment.ends_at)
    change = None
    if moved:
        notice = _notice(previous[0], told)
        outcome = (
            Outcome.MOVED_BY_CLIENT
            if initiator == AppointmentChange.Initiator.CLIENT
            else Outcome.MOVED_BY_PRACTITIONER
        )
        verdict = attendance_rules.evaluate(outcome, terms_for(appointment.client), notice=notice)
        _release(appointment)
        appointment.starts_at, appointment.ends_at = starts_at, ends_at
        appointment.planned_break = None
        _claim([appointment], "day")
        change = AppointmentChange.objects.create(
            appointment=appointment,
            client_id=appointment.client_id,
            initiator=initiator,
            previous_starts_at=previous[0],
            previous_ends_at=previous[1],
            new_starts_at=starts_at,
            new_ends_at=ends_at,
            told_at=told,
            notice_minutes=int(notice.total_seconds() // 60),
            chargeable=verdict.chargeable,
            rule=verdict.rule,
            recorded_by=by,
        )
    changed_fields = [
        name
        for name, value in (("location", location), ("online_link", online_link))
        if getattr(appointment, name) != value
    ]
    if not moved and not changed_fields:
        return None
    appointment.location, appointment.online_link = location, online_link
    appointment.sequence = F("sequence") + 1
    appointment.updated_at = timezone.now()
    appointment.save(
        update_fields=[
            "starts_at",
            "ends_at",
            "location",
            "online_link",
            "planned_break",
            "sequence",
            "updated_at",
        ]
    )
    appointment.refresh_from_db(fields=["sequence"])
    record(
        action=Action.APPOINTMENT_MOVED,
        actor=by,
        target=appointment,
        client=appointment.client,
        detail={
            "moved": moved,
            "initiator": initiator if moved else None,
            "fields": (["time"] if moved else []) + changed_fields,
        },
    )
    return change


# --- Attendance -------------------------------------------------------------------------------


def _terms_applied(terms: Any) -> dict[str, Any]:
    return {
        "cancellation_notice_hours": terms.cancellation_notice_hours,
        "late_cancellation_charge_percent": terms.late_cancellation_charge_percent,
        "did_not_attend_charge_percent": terms.did_not_attend_charge_percent,
        "lateness_grace_minutes": terms.lateness_grace_minutes,
    }


ATTENDANCE_OUTCOMES = (
    Outcome.ATTENDED,
    Outcome.LATE,
    Outcome.CANCELLED_BY_CLIENT,
    Outcome.DID_NOT_ATTEND,
    Outcome.CANCELLED_BY_PRACTITIONER,
)


@transaction.atomic
def record_attendance(
    *,
    by: User,
    appointment: Appointment,
    outcome: str,
    minutes_late: int | None = None,
    told_at: dt.datetime | None = None,
) -> Attendance:
    """What happened, judged against the client's terms. Recording again corrects the record."""
    appointment = _lock(appointment)
    _require_client(by, appointment.client)
    try:
        chosen = Outcome(outcome)
    except ValueError:
        raise ValidationError({"outcome": "Please choose what happened."}) from None
    if chosen not in ATTENDANCE_OUTCOMES:
        raise ValidationError({"outcome": "Please choose what happened."})
    now = timezone.now()
    notice: dt.timedelta | None = None
    told: dt.datetime | None = None
    if chosen in attendance_rules.CANCELLED:
        told = _told_at(told_at)
        notice = _notice(appointment.starts_at, told)
    elif appointment.starts_at > now:
        raise ValidationError(
            {
                "outcome": "Attendance can be marked once the session has started. "
                "To call it off ahead of time, record a cancellation."
            }
        )
    if chosen == Outcome.LATE:
        if minutes_late is None or minutes_late < 1:
            raise ValidationError({"minutes_late": "How many minutes late was the client?"})
        if minutes_late >= appointment.duration_minutes:
            raise ValidationError(
                {"minutes_late": "That is the whole session: record it as did not attend."}
            )
    else:
        minutes_late = None
    terms = terms_for(appointment.client)
    verdict = attendance_rules.evaluate(chosen, terms, notice=notice, minutes_late=minutes_late)
    was_occupying = appointment.occupies_time
    previous = Attendance.objects.filter(appointment=appointment).first()
    previous_outcome = previous.outcome if previous is not None else None
    values = {
        "outcome": chosen.value,
        "minutes_late": minutes_late,
        "told_at": told,
        "notice_minutes": int(notice.total_seconds() // 60) if notice is not None else None,
        "chargeable": verdict.chargeable,
        "charge_percent": verdict.charge_percent if verdict.chargeable else 0,
        "rule": verdict.rule,
        "terms_applied": _terms_applied(terms),
        "recorded_at": now,
        "recorded_by": by,
    }
    if previous is None:
        attendance = Attendance.objects.create(appointment=appointment, **values)
    else:
        for name, value in values.items():
            setattr(previous, name, value)
        previous.save(update_fields=list(values))
        attendance = previous
    appointment.status = chosen.value
    if appointment.status in CANCELLED_STATUSES:
        appointment.planned_break = None
    appointment.sequence = F("sequence") + 1
    appointment.updated_at = now
    appointment.save(update_fields=["status", "planned_break", "sequence", "updated_at"])
    appointment.refresh_from_db(fields=["sequence"])
    if was_occupying and not appointment.occupies_time:
        _release(appointment)
    elif not was_occupying and appointment.occupies_time:
        _claim([appointment], "outcome")
    record(
        action=Action.ATTENDANCE_RECORDED,
        actor=by,
        target=appointment,
        client=appointment.client,
        detail={
            "outcome": chosen.value,
            "previous": previous_outcome,
            "chargeable": verdict.chargeable,
            "charge_percent": values["charge_percent"],
        },
    )
    return attendance


# --- Planned breaks ---------------------------------------------------------------------------


@dataclass
class BreakResult:
    planned_break: PlannedBreak
    affected: int
    notice_short: bool
    policy_weeks: int


def break_notice_is_short(first_day: dt.date, practice_id: int, today: dt.date) -> tuple[bool, int]:
    weeks = practice_terms(practice_id).break_notice_weeks
    return (first_day - today) < dt.timedelta(weeks=weeks), weeks


def _check_break_practitioner(by: User, membership: Membership, practitioner: User) -> None:
    if membership.is_clinical and practitioner.pk != by.pk:
        raise PermissionDenied("Clinicians plan their own breaks.")
    is_clinician = Membership.objects.filter(
        user=practitioner,
        practice_id=membership.practice_id,
        is_active=True,
        role__in=[Role.OWNER, Role.PRACTITIONER],
    ).exists()
    if not is_clinician:
        raise ValidationError({"practitioner": "Choose a clinician in this practice."})


@transaction.atomic
def plan_break(
    *,
    by: User,
    practitioner: User,
    first_day: dt.date,
    last_day: dt.date,
    reason: str = PlannedBreak.Reason.HOLIDAY,
) -> BreakResult:
    """A planned break; the practitioner's planned sessions during it are marked."""
    membership = _membership(by)
    _check_break_practitioner(by, membership, practitioner)
    if reason not in PlannedBreak.Reason.values:
        raise ValidationError({"reason": "Please choose what the break is for."})
    today = timezone.localdate()
    if last_day < first_day:
        raise ValidationError({"last_day": "The last day cannot be before the first day."})
    if first_day < today:
        raise ValidationError({"first_day": "Planned breaks start today or later."})
    if (last_day - first_day).days + 1 > LONGEST_BREAK_DAYS:
        raise ValidationError({"last_day": "A planned break lasts a year at most."})
    starts_at, ends_at = recurrence.days_bounds(first_day, last_day, practice_zone())
    # Serialise breaks per practitioner (PostgreSQL); SQLite's write lock already does.
    list(Membership.objects.select_for_update().filter(user=practitioner).values_list("pk"))
    overlapping = _break_covering(practitioner, starts_at, ends_at)
    if overlapping is not None:
        raise ValidationError(
            {
                "first_day": "This overlaps another planned break "
                f"({_days(overlapping.first_day, overlapping.last_day)})."
            }
        )
    planned = PlannedBreak.objects.create(
        practice_id=membership.practice_id,
        practitioner=practitioner,
        first_day=first_day,
        last_day=last_day,
        reason=reason,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=by,
    )
    affected = Appointment.objects.filter(
        practitioner=practitioner,
        status=Status.PLANNED,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    ).update(planned_break=planned)
    short, weeks = break_notice_is_short(first_day, membership.practice_id, today)
    record(
        action=Action.BREAK_PLANNED,
        actor=by,
        target=planned,
        detail={
            "practitioner_id": practitioner.pk,
            "days": planned.days,
            "affected_appointments": affected,
            "notice_days": (first_day - today).days,
            "notice_short": short,
        },
    )
    return BreakResult(
        planned_break=planned, affected=affected, notice_short=short, policy_weeks=weeks
    )


@transaction.atomic
def withdraw_break(*, by: User, planned_break: PlannedBreak) -> int:
    """Withdraw a break: sessions it held back are written out again. Returns how many."""
    membership = _membership(by)
    planned_break = PlannedBreak.objects.select_for_update().get(pk=planned_break.pk)
    if planned_break.practice_id != membership.practice_id:
        raise PermissionDenied("This break belongs to another practice.")
    _check_break_practitioner(by, membership, planned_break.practitioner)
    if planned_break.withdrawn_at is not None:
        raise ValidationError("This break has already been withdrawn.")
    planned_break.withdrawn_at = timezone.now()
    planned_break.withdrawn_by = by
    planned_break.save(update_fields=["withdrawn_at", "withdrawn_by"])
    Appointment.objects.filter(planned_break=planned_break).update(planned_break=None)
    restored = 0
    zone = practice_zone()
    first = planned_break.starts_at.astimezone(zone).date()
    last = (planned_break.ends_at - dt.timedelta(seconds=1)).astimezone(zone).date()
    slots = RegularSlot.objects.filter(
        practitioner=planned_break.practitioner,
        first_day__lte=last,
        written_until__gte=first,
    ).select_related("practitioner")
    for slot in slots:
        if slot.ended_at is not None and (slot.until is None or slot.until < first):
            continue
        written = _write_sessions(
            slot,
            start=max(first, timezone.localdate()),
            end=min(last, slot.written_until),
            by=by,
            skip_clashes=True,
        )
        restored += len(written.created)
    record(
        action=Action.BREAK_WITHDRAWN,
        actor=by,
        target=planned_break,
        detail={"sessions_restored": restored},
    )
    return restored


def cancel_sessions_in_break(*, by: User, planned_break: PlannedBreak) -> int:
    """Cancel every planned session marked as falling in this break, as the practitioner's."""
    count = 0
    with transaction.atomic():
        for appointment in Appointment.objects.filter(
            planned_break=planned_break, status=Status.PLANNED
        ).select_related("client", "practitioner"):
            record_attendance(
                by=by, appointment=appointment, outcome=Outcome.CANCELLED_BY_PRACTITIONER
            )
            count += 1
    return count


# --- Reads worth recording --------------------------------------------------------------------


def record_appointment_viewed(*, by: User, appointment: Appointment) -> None:
    record(
        action=Action.APPOINTMENT_VIEWED,
        actor=by,
        target=appointment,
        client=appointment.client,
    )


# --- Calendar feeds ---------------------------------------------------------------------------


def _revoke_feeds(feeds: Any, by: User) -> int:
    return int(
        feeds.filter(revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_by=by)
    )


@transaction.atomic
def create_practitioner_feed(*, by: User) -> str:
    """A new private feed of `by`'s own diary; any earlier one stops working. Returns the token."""
    membership = by.active_membership
    if membership is None or not membership.is_clinical:
        raise PermissionDenied("Calendar feeds are for the practice's clinicians.")
    revoked = _revoke_feeds(CalendarFeed.objects.filter(practitioner=by), by)
    token, token_hash = calendars.new_token()
    feed = CalendarFeed.objects.create(
        practice_id=membership.practice_id, practitioner=by, token_hash=token_hash, created_by=by
    )
    record(action=Action.CALENDAR_FEED_CREATED, actor=by, target=feed, detail={"replaced": revoked})
    return token


@transaction.atomic
def revoke_practitioner_feed(*, by: User) -> int:
    revoked = _revoke_feeds(CalendarFeed.objects.filter(practitioner=by), by)
    if revoked:
        record(action=Action.CALENDAR_FEED_REVOKED, actor=by, detail={"feeds": revoked})
    return revoked


@transaction.atomic
def create_client_feed(*, by: User, client: Client) -> str:
    """A client's own feed, made from their portal (`by` is the client's own sign-in)."""
    revoked = _revoke_feeds(CalendarFeed.objects.filter(client=client), by)
    token, token_hash = calendars.new_token()
    feed = CalendarFeed.objects.create(
        practice_id=client.practice_id, client=client, token_hash=token_hash, created_by=by
    )
    record(
        action=Action.CALENDAR_FEED_CREATED,
        actor=by,
        actor_role="client",
        practice_id=client.practice_id,
        target=feed,
        client=client,
        detail={"replaced": revoked},
    )
    return token


@transaction.atomic
def revoke_client_feed(*, by: User, client: Client) -> int:
    revoked = _revoke_feeds(CalendarFeed.objects.filter(client=client), by)
    if revoked:
        record(
            action=Action.CALENDAR_FEED_REVOKED,
            actor=by,
            actor_role="client",
            practice_id=client.practice_id,
            client=client,
            detail={"feeds": revoked},
        )
    return revoked


def record_calendar_download(*, by: User, appointment: Appointment, actor_role: str = "") -> None:
    record(
        action=Action.CALENDAR_DOWNLOADED,
        actor=by,
        actor_role=actor_role,
        practice_id=appointment.practice_id,
        target=appointment,
        client=appointment.client_id,
    )


# --- Diary settings ---------------------------------------------------------------------------


def diary_settings(practice_id: int) -> DiarySettings:
    """The practice's settings, or the defaults (unsaved) until an owner changes them."""
    found = DiarySettings.objects.filter(practice_id=practice_id).first()
    return found or DiarySettings(practice_id=practice_id)


@transaction.atomic
def change_diary_settings(
    *, by: User, reminders_enabled: bool, reminder_hours_before: int
) -> list[str]:
    """Owners set whether clients get reminders, and how many hours ahead. Returns what changed."""
    membership = by.active_membership
    if membership is None or not membership.is_owner:
        raise PermissionDenied("Only the practice's owners change its diary settings.")
    if not 1 <= reminder_hours_before <= 168:
        raise ValidationError(
            {"reminder_hours_before": "Choose between 1 hour and 168 hours (a week)."}
        )
    current = diary_settings(membership.practice_id)
    changed = [
        name
        for name, value in (
            ("reminders_enabled", reminders_enabled),
            ("reminder_hours_before", reminder_hours_before),
        )
        if getattr(current, name) != value
    ]
    if not changed and current.pk is not None:
        return []
    current.reminders_enabled = reminders_enabled
    current.reminder_hours_before = reminder_hours_before
    current.updated_at = timezone.now()
    current.updated_by = by
    current.save()
    record(
        action=Action.REMINDER_SETTINGS_CHANGED,
        actor=by,
        target=current,
        detail={"fields": changed},
    )
    return changed
