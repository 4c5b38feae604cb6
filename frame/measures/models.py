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
