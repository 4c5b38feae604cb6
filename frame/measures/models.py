"""What the measures app stores. Instrument definitions themselves are files, not rows."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from frame.accounts.models import Practice
from frame.lib.fields import EncryptedTextField
from frame.measures import definitions
from frame.measures.definitions import Instrument


class ImportedWording(models.Model):
    """A practice's wording for a licensed instrument, imported from its own licensed copy.

    Only words live here: the structure and scoring always come from Frame's definition file, and
    the import refuses anything that would change them.
    """

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    instrument = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=20)
    instructions = models.TextField(blank=True)
    items = models.JSONField(help_text="Item number (as text) to wording.")
    option_labels = models.JSONField(help_text="Response set name to its option labels, in order.")
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "instrument"], name="measures_wording_one_per_instrument"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} wording for practice {self.practice_id}"


class RecordsAreNotDeleted(Exception):
    """Administrations and risk alerts are part of the clinical record: they are never deleted."""


_M = TypeVar("_M", bound=models.Model)


class _KeptQuerySet(models.QuerySet[_M]):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise RecordsAreNotDeleted("Questionnaire results and risk alerts are never deleted.")


class Mode(models.TextChoices):
    IN_SESSION = "in_session", "Entered by the practitioner in session"
    PORTAL = "portal", "Completed by the client in their portal"


class Administration(models.Model):
    """One completion of a questionnaire: the raw answers always, and the score derived from them.

    `answers` holds exactly what was chosen, in item order (option positions, or measured values
    as text so no decimal is ever rounded), with null for an unanswered item. The derived fields
    record which instrument version and scoring version produced them, so they can be recomputed
    and compared if either changes.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="measure_administrations"
    )
    instrument = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=20)
    scoring_version = models.CharField(max_length=10)
    mode = models.CharField(max_length=20, choices=Mode.choices)
    completed_on = models.DateField()
    answers = models.JSONField()
    valid = models.BooleanField()
    total = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    band = models.CharField(max_length=60, blank=True)
    prorated = models.BooleanField(default=False)
    missing_items = models.JSONField(default=list)
    risk_items = models.JSONField(default=list)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = _KeptQuerySet["Administration"].as_manager()

    class Meta:
        ordering = ["-completed_on", "-recorded_at"]
        indexes = [
            models.Index(
                fields=["client", "-completed_on", "-recorded_at"],
                name="measures_admin_client_idx",
            ),
            models.Index(fields=["instrument", "completed_on"], name="measures_admin_instr_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} on {self.completed_on}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RecordsAreNotDeleted("Questionnaire results are never deleted.")

    @property
    def definition(self) -> Instrument:
        return definitions.get(self.instrument)

    @property
    def total_display(self) -> str:
        """The total as the instrument gives it: 12 for PHQ-9, 12.0 for CORE-10."""
        if self.total is None:
            return ""
        places = self.definition.decimals
        return str(self.total.quantize(Decimal(1).scaleb(-places)))


class RiskAlert(models.Model):
    """A risk item answered above its trigger. Raised with the answers, in the same transaction.

    It stays open until a practitioner acknowledges it with a note (encrypted), and is never
    cleared by anything else: not by a later, calmer questionnaire, not by time.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    administration = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="risk_alerts"
    )
    item = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=5, decimal_places=2)
    raised_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledgement_note = EncryptedTextField(blank=True)

    objects = _KeptQuerySet["RiskAlert"].as_manager()

    class Meta:
        ordering = ["raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["administration", "item"], name="measures_alert_one_per_item"
            ),
            models.CheckConstraint(
                condition=models.Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                | models.Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
                name="measures_alert_acknowledged_by_someone",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "acknowledged_at"], name="measures_alert_client_idx"),
            models.Index(
                fields=["raised_at"],
                name="measures_alert_open_idx",
                condition=models.Q(acknowledged_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Risk item {self.item} ({self.administration_id})"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RecordsAreNotDeleted("Risk alerts are never deleted.")

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None

    def topic(self) -> str:
        instrument = definitions.get(self.administration.instrument)
        return next((r.topic for r in instrument.risk_items if r.item == self.item), "risk item")


# --- Sent to the portal, scheduled, shared --------------------------------------------------------


class RequestStatus(models.TextChoices):
    OPEN = "open", "Waiting for the client"
    COMPLETED = "completed", "Completed"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ScheduleRule(models.TextChoices):
    EVERY_SESSION = "every_session", "Before every session"
    EVERY_NTH = "every_nth", "Before every Nth session"
    AT_START = "at_start", "At the start (before the first appointment)"
    AT_REVIEW = "at_review", "At reviews (before review appointments)"
    AT_END = "at_end", "At the end (before the ending appointment)"


class MeasureSchedule(models.Model):
    """When a questionnaire goes to a client's portal without anyone having to remember.

    The worker reads it for appointments coming up soon; "at review" and "at end" follow the
    appointment's kind, and the practitioner can also send from the schedule page at any time.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="measure_schedules"
    )
    instrument = models.CharField(max_length=40)
    rule = models.CharField(max_length=20, choices=ScheduleRule.choices)
    every_n = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rule="every_nth", every_n__gte=2)
                | (~models.Q(rule="every_nth") & models.Q(every_n__isnull=True)),
                name="measures_schedule_n_only_for_every_nth",
            ),
        ]
        indexes = [
            models.Index(
                fields=["client"],
                name="measures_schedule_active_idx",
                condition=models.Q(ended_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.rule} for {self.client_id}"

    @property
    def definition(self) -> Instrument:
        return definitions.get(self.instrument)

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

    def describe(self) -> str:
        if self.rule == ScheduleRule.EVERY_NTH:
            return f"Before every {self.every_n}th session"
        return str(ScheduleRule(self.rule).label)


class QuestionnaireRequest(models.Model):
    """A questionnaire sent to the client's portal, answered there at their own pace.

    Only the link token's hash is stored. Answers saved part-way are kept here exactly as given
    (a half-finished questionnaire is never scored); submitting it whole makes the Administration.
    Requests are never deleted: a withdrawn or expired one stays, with what had been saved.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="questionnaire_requests"
    )
    instrument = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=20)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        max_length=12, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    answers = models.JSONField(default=list)  # saved so far, item order, null for unanswered
    progress_saved_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    administration = models.OneToOneField(
        Administration, null=True, blank=True, on_delete=models.PROTECT, related_name="request"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set when the worker sent it for a schedule: one request per schedule and appointment.
    schedule = models.ForeignKey(
        MeasureSchedule, null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = _KeptQuerySet["QuestionnaireRequest"].as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "appointment"],
                condition=models.Q(appointment__isnull=False),
                name="measures_request_once_per_appointment",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="completed") | models.Q(administration__isnull=False),
                name="measures_request_completed_has_result",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "status"], name="measures_request_client_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} request for {self.client_id}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RecordsAreNotDeleted("Questionnaire requests are never deleted.")

    @property
    def definition(self) -> Instrument:
        return definitions.get(self.instrument)

    @property
    def current_status(self) -> str:
        """The status as the client meets it now: an open request past its date has expired."""
        if self.status == RequestStatus.OPEN and self.expires_at <= timezone.now():
            return RequestStatus.EXPIRED
        return self.status

    @property
    def is_open(self) -> bool:
        return self.current_status == RequestStatus.OPEN

    @property
    def answered_count(self) -> int:
        return sum(1 for answer in self.answers if answer is not None)


class ChartShare(models.Model):
    """A progress chart the practitioner chose to show the client in their portal.

    The client sees the scores completed up to the moment of sharing, so what they read is what
    their practitioner looked at; sharing again later shows the newer scores.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="chart_shares"
    )
    instrument = models.CharField(max_length=40)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    shared_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-shared_at"]
        indexes = [models.Index(fields=["client", "instrument"], name="measures_share_client_idx")]

    def __str__(self) -> str:
        return f"{self.instrument} chart shared with {self.client_id}"

    @property
    def definition(self) -> Instrument:
        return definitions.get(self.instrument)
