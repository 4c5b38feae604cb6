"""Planned endings, recorded endings (with their review and letter) and retention start dates.

A planned ending is never overwritten: each change is a new row, so its history is the list of
rows. An ending is part of the clinical record: its review and letter may be revised by the care
team (each save audited) but it is never deleted. Retention starts are written once.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from frame.endings import retention
from frame.lib.fields import EncryptedTextField
from frame.notes.models import RetentionClass


class EndingRecordsAreKept(Exception):
    """An ending, a planned ending or a retention start was about to be deleted or rewritten."""


_M = TypeVar("_M", bound=models.Model)


class _KeptQuerySet(models.QuerySet[_M]):
    def update(self, **kwargs: Any) -> int:
        raise EndingRecordsAreKept(f"{self.model.__name__} rows change one at a time, if at all.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise EndingRecordsAreKept(f"{self.model.__name__} rows are part of the record.")


class _WrittenOnce(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise EndingRecordsAreKept(f"{type(self).__name__} rows are written once.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise EndingRecordsAreKept(f"{type(self).__name__} rows are part of the record.")


class RetentionPolicy(models.Model):
    """A practice's period for process notes. The clinical period is in each client's contract."""

    practice = models.OneToOneField(
        "accounts.Practice", on_delete=models.PROTECT, related_name="retention_policy"
    )
    process_months = models.PositiveSmallIntegerField(default=retention.DEFAULT_PROCESS_MONTHS)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    process_months__gte=retention.PROCESS_MONTHS_LIMITS[0],
                    process_months__lte=retention.PROCESS_MONTHS_LIMITS[1],
                ),
                name="endings_process_months_range",
            )
        ]

    def __str__(self) -> str:
        return f"Retention policy of practice {self.practice_id}"


class PlannedEnding(_WrittenOnce):
    """The agreed end: a date, a number of sessions, or both. The newest row is in force."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    end_on = models.DateField(null=True, blank=True)
    # The total number of sessions agreed, counted as the diary counts them (held sessions).
    sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    withdrawn = models.BooleanField(default=False)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    set_at = models.DateTimeField(default=timezone.now)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = _KeptQuerySet["PlannedEnding"].as_manager()

    class Meta:
        ordering = ["-set_at"]
        indexes = [models.Index(fields=["client", "-set_at"], name="endings_plan_client_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(withdrawn=True)
                | models.Q(end_on__isnull=False)
                | models.Q(sessions__isnull=False),
                name="endings_plan_has_date_or_sessions",
            ),
            models.CheckConstraint(
                condition=models.Q(sessions__isnull=True)
                | models.Q(sessions__gte=1, sessions__lte=200),
                name="endings_plan_sessions_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Planned ending {self.pk}"


class EndingKind(models.TextChoices):
    PLANNED = "planned", "Planned ending"
    UNPLANNED = "unplanned", "Unplanned ending"


class Ending(models.Model):
    """The end of the work with a client. A client who returns and ends again has a second one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=EndingKind.choices)
    ended_on = models.DateField()
    planned = models.ForeignKey(
        PlannedEnding, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Unplanned endings: when the client last came, and what was tried to reach them.
    last_attended_on = models.DateField(null=True, blank=True)
    what_was_tried = EncryptedTextField(blank=True, default="")
    # The ending review and the letter (both clinical, both editable by the care team).
    what_changed = EncryptedTextField(blank=True, default="")
    letter = EncryptedTextField(blank=True, default="")
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    review_saved_at = models.DateTimeField(null=True, blank=True)
    letter_saved_at = models.DateTimeField(null=True, blank=True)

    objects = _KeptQuerySet["Ending"].as_manager()

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["client", "-recorded_at"], name="endings_client_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=EndingKind.values), name="endings_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(last_attended_on__isnull=True)
                | models.Q(last_attended_on__lte=models.F("ended_on")),
                name="endings_last_attended_not_after_end",
            ),
        ]

    def __str__(self) -> str:
        return f"Ending {self.pk}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise EndingRecordsAreKept("Endings are part of the record: never deleted.")

    @property
    def is_planned(self) -> bool:
        return self.kind == EndingKind.PLANNED


class RetentionStart(_WrittenOnce):
    """The date one class of the client's records starts its retention period, and runs to."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ending = models.ForeignKey(Ending, on_delete=models.PROTECT, related_name="retention_starts")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    retention_class = models.CharField(max_length=16, choices=RetentionClass.choices)
    runs_from = models.DateField()
    keep_until = models.DateField()
    basis = models.CharField(max_length=200)

    objects = _KeptQuerySet["RetentionStart"].as_manager()

    class Meta:
        ordering = ["retention_class"]
        constraints = [
            models.UniqueConstraint(
                fields=["ending", "retention_class"], name="endings_one_start_per_class"
            ),
            models.CheckConstraint(
                condition=models.Q(keep_until__gte=models.F("runs_from")),
                name="endings_keep_until_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.retention_class} retention from {self.runs_from}"
