"""The supervision log, cases discussed, preparation packs and what supervisors are shown.

Everything here belongs to one practitioner (the supervisee): their log, their break months,
their packs. Nobody else reaches it — not a colleague and not the practice owner, because a
supervision record is the practitioner's own professional record (see docs in the app README).
The one exception is a pack the practitioner shares with a supervisor, read-only, until a date.

Free text is encrypted. Records are kept: nothing here is deleted.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from frame.clients.models import Client, RecordsAreNotDeleted, UndeletableQuerySet
from frame.lib.fields import EncryptedTextField
from frame.supervision import rules


class Kind(models.TextChoices):
    INDIVIDUAL = rules.Kind.INDIVIDUAL.value, "Individual, in person"
    GROUP = rules.Kind.GROUP.value, "Group"
    PEER = rules.Kind.PEER.value, "Peer"
    ONLINE = rules.Kind.ONLINE.value, "Individual, online"
    PHONE = rules.Kind.PHONE.value, "Individual, by phone"


class Rule(models.TextChoices):
    MONTHLY = rules.Rule.MONTHLY.value, "A minimum each calendar month"
    STUDENT = (
        rules.Rule.STUDENT.value,
        (
            "Student placement: the monthly minimum, at least 1 hour per 8 client hours, "
            "and at least fortnightly"
        ),
    )


class Requirement(models.Model):
    """What one practitioner's supervision is measured against. Absent means the default."""

    practitioner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rule = models.CharField(max_length=10, choices=Rule.choices, default=Rule.MONTHLY)
    monthly_minutes = models.PositiveIntegerField(default=rules.DEFAULT_MONTHLY_MINUTES)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(rule__in=Rule.values), name="supervision_requirement_rule_valid"
            ),
            models.CheckConstraint(
                condition=Q(monthly_minutes__gte=1), name="supervision_requirement_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Supervision requirement of {self.practitioner_id}"

    def as_rule(self) -> rules.Requirement:
        return rules.Requirement(rule=rules.Rule(self.rule), monthly_minutes=self.monthly_minutes)


class BreakMonth(models.Model):
    """A calendar month documented as a break from practice (no clients seen)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(help_text="The first day of the month.")
    reason = EncryptedTextField()
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = UndeletableQuerySet["BreakMonth"].as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practitioner", "month"], name="supervision_break_once_per_month"
            ),
        ]

    def __str__(self) -> str:
        return f"Break in {self.month:%B %Y}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RecordsAreNotDeleted("Documented breaks are part of the supervision record.")


class Supervision(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    held_on = models.DateField()
    minutes = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # Supervisees in the group, the practitioner included and the facilitator not (BACP).
    group_size = models.PositiveIntegerField(null=True, blank=True)
    supervisor_name = models.CharField(max_length=150)
    # Learning and impact on practice, across the whole session (cases have their own).
    learning = EncryptedTextField(blank=True, default="")
    recorded_at = models.DateTimeField(default=timezone.now)
    # A wrong entry is set aside, not deleted: it stays in the log, greyed, and counts for nothing.
    recorded_in_error_at = models.DateTimeField(null=True, blank=True)
    # Nullable (not "" by default) so the column could be added to existing rows: a default would
    # have to be sealed per row, which a migration cannot do.
    error_reason = EncryptedTextField(null=True, blank=True)

    objects = UndeletableQuerySet["Supervision"].as_manager()

    # The case codes discussed, for the printable record: set by selectors.log_between.
    case_codes: list[str] = []  # replaced per instance, never mutated

    class Meta:
        ordering = ["-held_on", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1), name="supervision_minutes_positive"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="supervision_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=sorted(rules.GROUP_KINDS)) | Q(group_size__gte=2),
                name="supervision_group_of_two_or_more",
            ),
        ]
        indexes = [
            models.Index(fields=["practitioner", "held_on"], name="supervision_log_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} supervision on {self.held_on:%d %b %Y}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RecordsAreNotDeleted("Supervision records are kept.")

    def as_session(self) -> rules.Session:
        return rules.Session(
            held_on=self.held_on, kind=self.kind, minutes=self.minutes, group_size=self.group_size
        )

    @property
    def in_error(self) -> bool:
        return self.recorded_in_error_at is not None

    @property
    def creditable(self) -> Any:
        return rules.creditable_minutes(self.kind, self.minutes, self.group_size)

    @property
    def creditable_display(self) -> str:
        return rules.as_hours(self.creditable)


class CaseDiscussion(models.Model):
    """One client discussed in one supervision, shown by case code only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    supervision = models.ForeignKey(
        Supervision, on_delete=models.PROTECT, related_name="discussions"
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    discussed = EncryptedTextField()
    learnt = EncryptedTextField(blank=True, default="")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = UndeletableQuerySet["CaseDiscussion"].as_manager()

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"Case discussed in {self.supervision_id}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RecordsAreNotDeleted("Cases discussed in supervision are kept.")


class CaseAction(models.Model):
    """Something to do for a client after supervision: a reminder on the client's card."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    discussion = models.ForeignKey(CaseDiscussion, on_delete=models.PROTECT, related_name="actions")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    text = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    objects = UndeletableQuerySet["CaseAction"].as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["practitioner", "client", "done_at"], name="supervision_action_open_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Supervision action for {self.client_id}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RecordsAreNotDeleted("Supervision actions are kept; mark them done.")


class Pack(models.Model):
    """A pseudonymised preparation pack: a snapshot built once, never from live records again.

    `content` is the JSON the pseudonymiser produced (see pseudonymise.py), encrypted.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    content = EncryptedTextField()
    case_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    objects = UndeletableQuerySet["Pack"].as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["practitioner", "created_at"], name="supervision_pack_idx")]

    def __str__(self) -> str:
        return f"Supervision pack of {self.created_at:%d %b %Y}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RecordsAreNotDeleted("Preparation packs are kept.")


class PackShare(models.Model):
    """A pack shown to one supervisor, read-only, up to and including `expires_on`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pack = models.ForeignKey(Pack, on_delete=models.PROTECT, related_name="shares")
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    expires_on = models.DateField()
    shared_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = UndeletableQuerySet["PackShare"].as_manager()

    class Meta:
        ordering = ["-shared_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pack", "supervisor"], name="supervision_share_once_per_supervisor"
            ),
        ]
        indexes = [
            models.Index(fields=["supervisor", "expires_on"], name="supervision_share_sup_idx"),
        ]

    def __str__(self) -> str:
        return f"Pack {self.pack_id} shared until {self.expires_on}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RecordsAreNotDeleted("Shares are kept for the record; withdraw one instead.")

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_on >= timezone.localdate()


class SupervisorNote(models.Model):
    """A supervisor's own note on a pack shared with them. Theirs alone, encrypted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pack = models.ForeignKey(Pack, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    text = EncryptedTextField()
    written_at = models.DateTimeField(default=timezone.now)

    objects = UndeletableQuerySet["SupervisorNote"].as_manager()

    class Meta:
        ordering = ["-written_at", "-id"]
        indexes = [
            models.Index(fields=["author", "written_at"], name="supervision_supnote_idx"),
        ]

    def __str__(self) -> str:
        return f"Supervisor note {self.pk}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RecordsAreNotDeleted("A supervisor's notes are kept.")
