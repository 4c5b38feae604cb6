"""The practitioner's own development: a reflective journal and a CPD record.

Both belong to one practitioner alone: nobody else in the practice — not a colleague, not the
practice owner, not an administrator — reads them. Journal text and what a CPD activity taught
are encrypted. Journal entries are never deleted: one tagged with a client is personal data about
that client, reviewed like a process note when the client asks for their records.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from frame.lib.fields import EncryptedTextField
from frame.notes.models import RetentionClass

_M = TypeVar("_M", bound=models.Model)

MAX_HOURS = Decimal("200")


class KeptRecord(Exception):
    """Journal entries are kept: never deleted."""


class _KeptQuerySet(models.QuerySet[_M]):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise KeptRecord(f"{self.model.__name__} rows are never deleted.")


class JournalEntry(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    written_on = models.DateField(default=timezone.localdate)
    text = EncryptedTextField()
    # Optional: the client whose work this reflects on. Shown by case code only.
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # Like process notes: kept apart from the clinical record, with their own retention class.
    retention_class = models.CharField(
        max_length=16,
        choices=RetentionClass.choices,
        default=RetentionClass.PROCESS,
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = _KeptQuerySet["JournalEntry"].as_manager()

    class Meta:
        ordering = ["-written_on", "-created_at"]
        indexes = [
            models.Index(fields=["author", "-written_on", "-created_at"], name="dev_journal_idx"),
            models.Index(fields=["author", "client", "-written_on"], name="dev_journal_client_idx"),
        ]

    def __str__(self) -> str:
        return f"Journal entry {self.pk}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise KeptRecord("Journal entries are never deleted.")

    @property
    def subject_access_review(self) -> bool:
        """Whether this entry must be reviewed when the tagged client asks for their records."""
        return self.client_id is not None


class CpdKind(models.TextChoices):
    COURSE = "course", "Course, workshop or training"
    READING = "reading", "Reading or research"
    SUPERVISION = "supervision", "Learning from supervision"
    CONFERENCE = "conference", "Conference or seminar"
    PEER = "peer", "Peer learning or a peer group"
    ONLINE = "online", "Webinar or online learning"
    OTHER = "other", "Other"


class CpdActivity(models.Model):
    """One piece of continuing professional development, with what it taught and changed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    activity = models.CharField(max_length=200)
    done_on = models.DateField()
    hours = models.DecimalField(max_digits=6, decimal_places=2)
    kind = models.CharField(max_length=16, choices=CpdKind.choices)
    learnt = EncryptedTextField()
    impact = EncryptedTextField(blank=True, default="")
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-done_on", "-recorded_at"]
        indexes = [models.Index(fields=["practitioner", "-done_on"], name="dev_cpd_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0, hours__lte=MAX_HOURS), name="dev_cpd_hours_range"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=CpdKind.values), name="dev_cpd_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} ({self.done_on})"


class CpdYear(models.Model):
    """When the practitioner's CPD year starts: 1 January, or their registration renewal date."""

    practitioner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    start_month = models.PositiveSmallIntegerField(default=1)
    start_day = models.PositiveSmallIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_month__gte=1, start_month__lte=12, start_day__gte=1)
                & models.Q(start_day__lte=31),
                name="dev_cpd_year_start_valid",
            )
        ]

    def __str__(self) -> str:
        return f"CPD year from {self.start_day}/{self.start_month}"
