"""Risk flags, risk assessments and the practice's safety settings.

A risk flag says "look at this": it is raised by a questionnaire's risk item, by a session note
signed with risk noted, or by hand. It stays open until a practitioner acknowledges it with what
they did, and nothing ever clears it automatically. Flags are never deleted.

A risk assessment is the practitioner's structured record of what they know and judge. Each save
writes a new version; earlier versions are kept and never changed. Frame never computes a risk
score: the level is chosen by the practitioner, in their own words too. All typed text is
encrypted.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from frame.lib.fields import EncryptedTextField


class SafetyRecordsAreKept(Exception):
    """A flag, an assessment or its history was about to be deleted or overwritten."""


_M = TypeVar("_M", bound=models.Model)


class _KeptQuerySet(models.QuerySet[_M]):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise SafetyRecordsAreKept(f"{self.model.__name__} rows are part of the record.")


class _AppendOnlyQuerySet(_KeptQuerySet[_M]):
    def update(self, **kwargs: Any) -> int:
        raise SafetyRecordsAreKept(f"{self.model.__name__} rows are written once, never changed.")


# --- Risk flags -----------------------------------------------------------------------------------


class FlagSource(models.TextChoices):
    MEASURE = "measure", "Questionnaire risk item"
    NOTE = "note", "Risk noted in a session note"
    MANUAL = "manual", "Raised by a practitioner"


class RiskFlag(models.Model):
    """Something that needs a practitioner's attention about a client's safety.

    `source_type` / `source_id` name the record that raised it ("measures.riskalert" or
    "notes.sessionnote" and its id); plain values rather than foreign keys, so flags never depend
    on another app's tables. `summary` is plain wording with names and numbers only (e.g. "PHQ-9
    item 9 answered 2"); a hand-raised flag's reason is typed text and encrypted.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=10, choices=FlagSource.choices)
    source_type = models.CharField(max_length=40, blank=True)
    source_id = models.UUIDField(null=True, blank=True)
    summary = models.CharField(max_length=200)
    reason = EncryptedTextField(blank=True, default="")
    raised_at = models.DateTimeField(default=timezone.now)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action_taken = EncryptedTextField(blank=True, default="")

    # Read by the supervision app: flags the practitioner wants to take to supervision.
    to_supervision = models.BooleanField(default=False)
    taken_to_supervision_on = models.DateField(null=True, blank=True)

    objects = _KeptQuerySet["RiskFlag"].as_manager()

    class Meta:
        ordering = ["raised_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=FlagSource.values), name="safety_flag_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(source=FlagSource.MANUAL, source_id__isnull=True, source_type="")
                | (~Q(source=FlagSource.MANUAL) & Q(source_id__isnull=False) & ~Q(source_type="")),
                name="safety_flag_source_record_matches",
            ),
            models.UniqueConstraint(
                fields=["source_type", "source_id"],
                condition=Q(source_id__isnull=False),
                name="safety_flag_one_per_source_record",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
                name="safety_flag_acknowledged_at_and_by_together",
            ),
            models.CheckConstraint(
                condition=Q(taken_to_supervision_on__isnull=True) | Q(to_supervision=True),
                name="safety_flag_taken_means_to_supervision",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "raised_at"], name="safety_flag_client_idx"),
            models.Index(
                fields=["raised_at"],
                name="safety_flag_open_idx",
                condition=Q(acknowledged_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Risk flag {self.pk} ({self.source})"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise SafetyRecordsAreKept("Risk flags are never deleted.")

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None

    @property
    def awaiting_supervision(self) -> bool:
        return self.to_supervision and self.taken_to_supervision_on is None


class FlagReminder(models.Model):
    """One reminder email about one open flag: the `number`th period after it was raised.

    Unique per (flag, number), so running the sender twice in a period never sends twice.
    """

    flag = models.ForeignKey(RiskFlag, on_delete=models.PROTECT, related_name="reminders")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    # Empty until the email went out; a failed send is tried again on the next runs.
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    recipients = models.PositiveSmallIntegerField(default=0)

    objects = _KeptQuerySet["FlagReminder"].as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["flag", "number"], name="safety_reminder_once")
        ]

    def __str__(self) -> str:
        return f"Reminder {self.number} for flag {self.flag_id}"


class SafetySettings(models.Model):
    """A practice's safety settings: after how many hours an open flag is emailed about again."""

    practice = models.OneToOneField(
        "accounts.Practice", on_delete=models.PROTECT, related_name="safety_settings"
    )
    reminder_hours = models.PositiveSmallIntegerField(default=24)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(reminder_hours__gte=1, reminder_hours__lte=168),
                name="safety_reminder_hours_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Safety settings of practice {self.practice_id}"


# --- Risk assessments -----------------------------------------------------------------------------


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not known"


class Level(models.TextChoices):
    """The practitioner's own label for their judgement. Chosen, never computed."""

    NOT_ASSESSED = "not_assessed", "Not assessed"
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"


class RiskAssessment(models.Model):
    """One assessment of a client; its content lives in versions, the newest being current."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    # The flag that prompted it, when there was one.
    flag = models.ForeignKey(
        RiskFlag, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version_count = models.PositiveIntegerField(default=0)

    objects = _KeptQuerySet["RiskAssessment"].as_manager()

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [
            models.Index(fields=["client", "-created_at"], name="safety_assessment_client_idx")
        ]

    def __str__(self) -> str:
        return f"Risk assessment {self.pk}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise SafetyRecordsAreKept("Risk assessments are never deleted.")


ANSWER_FIELDS = (
    "self_thoughts",
    "self_intent",
    "self_plan",
    "self_means",
    "others_risk",
    "from_abuse",
    "from_exploitation",
    "from_domestic_abuse",
    "safeguarding_child",
    "safeguarding_adult",
)
TEXT_FIELDS = (
    "self_details",
    "self_history",
    "others_details",
    "from_others_details",
    "safeguarding_details",
    "protective_factors",
    "judgement",
    "plan",
)


def _answer() -> models.CharField[Any, Any]:
    return models.CharField(max_length=8, choices=Answer.choices, default=Answer.UNKNOWN)


class RiskAssessmentVersion(models.Model):
    """How an assessment read when it was saved. Written once, never changed or deleted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assessment = models.ForeignKey(
        RiskAssessment, on_delete=models.PROTECT, related_name="versions"
    )
    # Denormalised from the assessment so "latest per client" is one indexed subquery.
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()

    # Risk to self
    self_thoughts = _answer()
    self_intent = _answer()
    self_plan = _answer()
    self_means = _answer()
    self_details = EncryptedTextField(blank=True, default="")
    self_history = EncryptedTextField(blank=True, default="")
    # Risk to others
    others_risk = _answer()
    others_details = EncryptedTextField(blank=True, default="")
    # Risk from others
    from_abuse = _answer()
    from_exploitation = _answer()
    from_domestic_abuse = _answer()
    from_others_details = EncryptedTextField(blank=True, default="")
    # Safeguarding concerns
    safeguarding_child = _answer()
    safeguarding_adult = _answer()
    safeguarding_details = EncryptedTextField(blank=True, default="")

    protective_factors = EncryptedTextField(blank=True, default="")
    judgement = EncryptedTextField()
    level = models.CharField(max_length=12, choices=Level.choices)
    safety_plan_needed = models.BooleanField()
    plan = EncryptedTextField(blank=True, default="")
    review_on = models.DateField()

    saved_at = models.DateTimeField(default=timezone.now)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = _AppendOnlyQuerySet["RiskAssessmentVersion"].as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "number"], name="safety_assessment_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(level__in=Level.values), name="safety_assessment_level_valid"
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__in": Answer.values}),
                    name=f"safety_assessment_{name}_valid",
                )
                for name in ANSWER_FIELDS
            ),
        ]
        indexes = [
            models.Index(fields=["client", "-saved_at"], name="safety_version_client_idx"),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of assessment {self.assessment_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise SafetyRecordsAreKept("Assessment versions are written once: save a new one.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise SafetyRecordsAreKept("Assessment versions are part of the record.")

    def review_overdue(self, today: Any = None) -> bool:
        return bool(self.review_on < (today or timezone.localdate()))


class CurrentAssessment(models.Model):
    """Each client's most recently saved assessment version, kept up to date by save_assessment.

    A pointer, not a record: the versions are the record. It lets the home page find overdue
    reviews from an index on the review date, instead of looking through every version ever
    saved (superseded versions keep their old, past review dates).
    """

    client = models.OneToOneField(
        "clients.Client", on_delete=models.PROTECT, related_name="+", primary_key=True
    )
    assessment = models.ForeignKey(RiskAssessment, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(RiskAssessmentVersion, on_delete=models.PROTECT, related_name="+")
    review_on = models.DateField()
    saved_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["review_on"], name="safety_current_review_idx")]

    def __str__(self) -> str:
        return f"Current assessment of {self.client_id}"
