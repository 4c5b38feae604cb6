"""Regular slots, appointments, what happened at each, planned breaks, and the booked time units.

Times are stored as instants (UTC); regular slots keep their wall-clock time and the zone it is in,
so "Tuesdays at 10:00" survives the clocks changing. Nothing here is deleted except planned
sessions that were never held, when a regular slot is changed from a date on (see actions.py).
"""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from frame.accounts.models import Practice
from frame.clients.models import Client
from frame.scheduling import recurrence
from frame.scheduling.attendance_rules import Outcome


class Kind(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment"
    SESSION = "session", "Session"
    REVIEW = "review", "Review"
    ENDING = "ending", "Ending"
    OTHER = "other", "Other"


class Status(models.TextChoices):
    PLANNED = "planned", "Planned"
    ATTENDED = Outcome.ATTENDED.value, "Attended"
    LATE = Outcome.LATE.value, "Attended, late"
    DID_NOT_ATTEND = Outcome.DID_NOT_ATTEND.value, "Did not attend"
    CANCELLED_BY_CLIENT = Outcome.CANCELLED_BY_CLIENT.value, "Cancelled by the client"
    CANCELLED_BY_PRACTITIONER = (
        Outcome.CANCELLED_BY_PRACTITIONER.value,
        "Cancelled by the practitioner",
    )


# Appointments in these states hold the practitioner's time; cancelled ones give it back.
OCCUPYING_STATUSES = frozenset(
    {Status.PLANNED, Status.ATTENDED, Status.LATE, Status.DID_NOT_ATTEND}
)
HELD_STATUSES = frozenset({Status.ATTENDED, Status.LATE})
CANCELLED_STATUSES = frozenset({Status.CANCELLED_BY_CLIENT, Status.CANCELLED_BY_PRACTITIONER})
# A fixed order for constraints, so migrations do not churn with set ordering.
CANCELLED_IN_ORDER = [Status.CANCELLED_BY_CLIENT, Status.CANCELLED_BY_PRACTITIONER]


class Frequency(models.IntegerChoices):
    WEEKLY = 1, "Weekly"
    FORTNIGHTLY = 2, "Fortnightly"


class RegularSlot(models.Model):
    """A client's regular time: weekly or fortnightly, same weekday and wall-clock time.

    Its sessions are written out as Appointment rows (all of them when the slot has an end, a
    year ahead when it is open-ended, extended as time passes), so every session can be moved,
    cancelled or marked on its own, and the database can refuse double booking.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="regular_slots")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="regular_slots"
    )
    first_day = models.DateField()
    time = models.TimeField()
    time_zone = models.CharField(max_length=64)
    interval_weeks = models.PositiveSmallIntegerField(
        choices=Frequency.choices, default=Frequency.WEEKLY
    )
    until = models.DateField(null=True, blank=True)
    count = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SESSION)
    location = models.CharField(max_length=120, blank=True)
    online_link = models.URLField(max_length=300, blank=True)
    # Sessions exist as rows up to this date; open-ended slots are extended past it over time.
    written_until = models.DateField()
    # "This and following" ends one slot and starts another; the chain is kept for the record.
    follows = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="followed_by"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_weeks__in=Frequency.values), name="slot_interval_valid"
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(count__isnull=True),
                name="slot_ends_one_way",
            ),
            models.CheckConstraint(
                condition=Q(count__isnull=True) | Q(count__gte=1), name="slot_count_positive"
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("first_day")),
                name="slot_until_after_start",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=recurrence.UNIT_MINUTES)
                & Q(duration_minutes__lte=recurrence.LONGEST_APPOINTMENT_MINUTES),
                name="slot_duration_range",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, ended_by__isnull=True)
                | Q(ended_at__isnull=False, ended_by__isnull=False),
                name="slot_ended_paired",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "first_day"], name="slot_client_idx"),
            models.Index(fields=["written_until"], name="slot_written_until_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_interval_weeks_display()} slot from {self.first_day}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def rule(self) -> recurrence.SlotRule:
        return recurrence.SlotRule(
            first_day=self.first_day,
            time=self.time,
            zone=self.zone,
            interval_weeks=self.interval_weeks,
            until=self.until,
            count=self.count,
        )

    @property
    def is_open_ended(self) -> bool:
        return self.until is None and self.count is None

    def describe(self) -> str:
        """ "Weekly on Tuesdays at 10:00 (50 minutes)"."""
        often = "Weekly" if self.interval_weeks == Frequency.WEEKLY else "Fortnightly"
        return (
            f"{often} on {self.first_day:%A}s at {self.time:%H:%M} "
            f"({self.duration_minutes} minutes)"
        )


class PlannedBreak(models.Model):
    """A practitioner's holiday or absence, as whole local days (first and last included)."""

    class Reason(models.TextChoices):
        HOLIDAY = "holiday", "Holiday"
        TRAINING = "training", "Training or conference"
        ABSENCE = "absence", "Other absence"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="planned_breaks"
    )
    first_day = models.DateField()
    last_day = models.DateField()
    reason = models.CharField(max_length=16, choices=Reason.choices, default=Reason.HOLIDAY)
    # The instants the break covers in the practice's zone, for overlap tests in the database.
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")), name="break_days_in_order"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="break_instants_in_order"
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True)
                | Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False),
                name="break_withdrawn_paired",
            ),
        ]
        indexes = [
            models.Index(fields=["practitioner", "ends_at"], name="break_practitioner_idx"),
            models.Index(fields=["practice", "ends_at"], name="break_practice_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.first_day} to {self.last_day}"

    @property
    def notice(self) -> dt.timedelta:
        """How far ahead of its first day the break was announced."""
        return self.starts_at - self.created_at

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


class Appointment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="appointments", db_index=False
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appointments",
        db_index=False,
    )
    slot = models.ForeignKey(
        RegularSlot, on_delete=models.PROTECT, null=True, blank=True, related_name="appointments"
    )
    # For a slot's session: the date it stands for and the agreed time on that date. Moving the
    # session changes starts_at, never these, which is how "held in the agreed slot" is told.
    slot_day = models.DateField(null=True, blank=True)
    slot_starts_at = models.DateTimeField(null=True, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SESSION)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=120, blank=True)
    online_link = models.URLField(max_length=300, blank=True)
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.PLANNED)
    # Set while the appointment falls inside one of the practitioner's planned breaks.
    planned_break = models.ForeignKey(
        PlannedBreak, on_delete=models.PROTECT, null=True, blank=True, related_name="appointments"
    )
    # Bumped on every change, for calendar programs (iCalendar SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="appt_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="appt_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="appt_kind_valid"),
            models.CheckConstraint(
                condition=Q(slot__isnull=True, slot_day__isnull=True, slot_starts_at__isnull=True)
                | Q(slot__isnull=False, slot_day__isnull=False, slot_starts_at__isnull=False),
                name="appt_slot_fields_paired",
            ),
            models.UniqueConstraint(
                fields=["slot", "slot_day"],
                condition=Q(slot__isnull=False),
                name="appt_one_per_slot_day",
            ),
        ]
        indexes = [
            # The week view and day list: one practitioner's appointments in a range of time.
            models.Index(fields=["practitioner", "starts_at"], name="appt_practitioner_idx"),
            # The card, the portal and feeds: one client's appointments in time order. Kind and
            # status ride along so "session n" counts read the index alone, however long the
            # client's history.
            models.Index(fields=["client", "starts_at", "kind", "status"], name="appt_client_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.starts_at:%Y-%m-%d %H:%M} UTC"

    @property
    def duration(self) -> dt.timedelta:
        return self.ends_at - self.starts_at

    @property
    def duration_minutes(self) -> int:
        return int(self.duration.total_seconds() // 60)

    @property
    def is_planned(self) -> bool:
        return self.status == Status.PLANNED

    @property
    def is_cancelled(self) -> bool:
        return self.status in CANCELLED_STATUSES

    @property
    def occupies_time(self) -> bool:
        return self.status in OCCUPYING_STATUSES

    @property
    def in_agreed_slot(self) -> bool:
        return self.slot_id is not None and self.starts_at == self.slot_starts_at


class BookedUnit(models.Model):
    """One five-minute unit of a practitioner's time, held by one appointment.

    The unique key (practitioner, unit) is the database's refusal of double booking: two
    appointments that overlap by even five minutes would need the same row. It works the same on
    SQLite and PostgreSQL. See docs/decisions/0008-double-booking-prevented-by-time-units.md.
    """

    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # Whole UNIT_MINUTES since 1970-01-01 00:00 UTC.
    unit = models.BigIntegerField()
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="units")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practitioner", "unit"], name="booked_unit_once_per_practitioner"
            ),
        ]

    def __str__(self) -> str:
        return f"unit {self.unit} of practitioner {self.practitioner_id}"


class Attendance(models.Model):
    """What happened to one appointment, and whether it is charged under the client's terms."""

    appointment = models.OneToOneField(
        Appointment, on_delete=models.PROTECT, related_name="attendance"
    )
    outcome = models.CharField(max_length=32, choices=Status.choices)
    minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    # When the practitioner was told (cancellations), and the notice that gave.
    told_at = models.DateTimeField(null=True, blank=True)
    notice_minutes = models.IntegerField(null=True, blank=True)
    chargeable = models.BooleanField()
    charge_percent = models.PositiveSmallIntegerField()
    # The sentence that explains the decision, and the terms it applied (for billing and audit).
    rule = models.TextField()
    terms_applied = models.JSONField(default=dict)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome=Status.PLANNED) & Q(outcome__in=Status.values),
                name="attendance_outcome_valid",
            ),
            models.CheckConstraint(
                condition=Q(charge_percent__lte=100), name="attendance_percent_range"
            ),
            models.CheckConstraint(
                condition=Q(outcome=Status.LATE, minutes_late__gte=1)
                | (~Q(outcome=Status.LATE) & Q(minutes_late__isnull=True)),
                name="attendance_late_has_minutes",
            ),
            models.CheckConstraint(
                condition=Q(
                    outcome__in=CANCELLED_IN_ORDER,
                    told_at__isnull=False,
                    notice_minutes__isnull=False,
                )
                | (
                    ~Q(outcome__in=CANCELLED_IN_ORDER)
                    & Q(told_at__isnull=True, notice_minutes__isnull=True)
                ),
                name="attendance_cancellation_has_notice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({'charged' if self.chargeable else 'not charged'})"


class Initiator(models.TextChoices):
    CLIENT = "client", "The client"
    PRACTITIONER = "practitioner", "The practitioner"


class AppointmentChange(models.Model):
    """An appointment moved or changed on its own ("edit one occurrence"), and who asked."""

    Initiator = Initiator

    # Kept if a planned session it moved is later replaced by a change to the whole slot: the
    # move still happened, and the rhythm indicators count it.
    appointment = models.ForeignKey(
        Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    initiator = models.CharField(max_length=16, choices=Initiator.choices)
    previous_starts_at = models.DateTimeField()
    previous_ends_at = models.DateTimeField()
    new_starts_at = models.DateTimeField()
    new_ends_at = models.DateTimeField()
    told_at = models.DateTimeField()
    notice_minutes = models.IntegerField()
    chargeable = models.BooleanField(default=False)
    rule = models.TextField()
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(initiator__in=Initiator.values), name="change_initiator_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["appointment", "recorded_at"], name="change_appt_idx"),
            models.Index(fields=["client", "recorded_at"], name="change_client_idx"),
        ]

    def __str__(self) -> str:
        return f"Moved by {self.initiator}"

    @property
    def moved(self) -> bool:
        return self.new_starts_at != self.previous_starts_at


class CalendarFeed(models.Model):
    """A private iCalendar subscription: a practitioner's diary, or one client's sessions.

    Only the token's hash is stored, so the link is shown once, when it is made. Revoking it (or
    making a new one) stops the old link working at once.
    """

    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calendar_feeds",
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, null=True, blank=True, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(practitioner__isnull=False, client__isnull=True)
                | Q(practitioner__isnull=True, client__isnull=False),
                name="feed_for_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="feed_revoked_paired",
            ),
        ]

    def __str__(self) -> str:
        return "Calendar feed"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class DiarySettings(models.Model):
    """A practice's diary settings: whether and how long ahead clients are reminded."""

    practice = models.OneToOneField(
        Practice, on_delete=models.PROTECT, related_name="diary_settings"
    )
    reminders_enabled = models.BooleanField(default=True)
    reminder_hours_before = models.PositiveSmallIntegerField(default=24)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(reminder_hours_before__gte=1, reminder_hours_before__lte=168),
                name="diary_reminder_hours_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Diary settings of practice {self.practice_id}"


class Reminder(models.Model):
    """One reminder of one appointment at one time: sent once, retried with back-off, logged.

    Unique per (appointment, starts_at): a moved session gets a reminder for its new time, and
    running the sender twice never sends twice.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be sent"
        SKIPPED = "skipped", "Not sent"

    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    # Kept (without its appointment) if a planned session is later replaced by a slot change.
    appointment = models.ForeignKey(
        Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="reminders"
    )
    starts_at = models.DateTimeField()
    due_at = models.DateTimeField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    recipient = models.EmailField(blank=True)
    # Why it was not sent, in Frame's words or the kind of error: never the message itself.
    reason = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "starts_at"], name="reminder_once_per_time"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "sent", "failed", "skipped"]),
                name="reminder_state_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="reminder_queue_idx"),
            models.Index(fields=["client", "created_at"], name="reminder_client_idx"),
            models.Index(fields=["practice", "state", "created_at"], name="reminder_practice_idx"),
        ]

    def __str__(self) -> str:
        return f"Reminder ({self.state})"


class PeriodicRun(models.Model):
    """One row per periodic task and period queued, so two workers never queue the same period."""

    name = models.CharField(max_length=40)
    period_start = models.DateTimeField()
    queued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "period_start"], name="periodic_run_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} for {self.period_start:%Y-%m-%d %H:%M}"
