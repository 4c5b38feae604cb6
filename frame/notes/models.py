"""Session notes (draft → signed → addenda), their version history, process notes and goals.

A signed session note is part of the clinical record and never changes: `save()` on it, any
`QuerySet.update()` and any `delete()` raise `SignedNoteIsLocked`. What a practitioner adds later
is an Addendum, which is append-only like the version history. All typed text is encrypted.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from frame.lib.fields import EncryptedTextField


class SignedNoteIsLocked(Exception):
    """A signed note, its history or its addenda were about to be changed or deleted."""


_M = TypeVar("_M", bound=models.Model)


class _LockedQuerySet(models.QuerySet[_M]):
    """Bulk writes skip the model's own checks, so on these records they are refused outright."""

    def update(self, **kwargs: Any) -> int:
        raise SignedNoteIsLocked(
            f"{self.model.__name__} rows change only one at a time through save(), never update()."
        )

    def delete(self) -> tuple[int, dict[str, int]]:
        raise SignedNoteIsLocked(
            f"{self.model.__name__} rows are part of the record: never deleted."
        )


class NoteTemplate(models.Model):
    """A practice's headings for session notes. Each note keeps a copy of the headings it used."""

    practice = models.OneToOneField(
        "accounts.Practice", on_delete=models.PROTECT, related_name="note_template"
    )
    headings = models.JSONField(help_text="The section headings, in order.")
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Note template for practice {self.practice_id}"


class NoteStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


def pack(sections: list[tuple[str, str]]) -> str:
    """The sections of a note as one text to encrypt: headings with what was written under each."""
    return json.dumps([{"heading": h, "text": t} for h, t in sections], ensure_ascii=False)


def unpack(content: str) -> list[tuple[str, str]]:
    if not content:
        return []
    return [(part["heading"], part["text"]) for part in json.loads(content)]


class SessionNote(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="session_notes"
    )
    appointment = models.OneToOneField(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="session_note"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=NoteStatus.choices, default=NoteStatus.DRAFT)
    # JSON of headings and text (see pack/unpack), encrypted as one value.
    content = EncryptedTextField(blank=True, default="")
    risk_noted = models.BooleanField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    signed_at = models.DateTimeField(null=True, blank=True)

    objects = _LockedQuerySet["SessionNote"].as_manager()

    class Meta:
        indexes = [models.Index(fields=["client", "-created_at"], name="notes_note_client_idx")]

    def __str__(self) -> str:
        return f"Session note {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if getattr(self, "_stored_status", None) == NoteStatus.SIGNED:
            raise SignedNoteIsLocked("This note is signed: add an addendum instead.")
        if not self._state.adding and (
            type(self)._base_manager.filter(pk=self.pk, status=NoteStatus.SIGNED).exists()
        ):
            # A copy loaded before someone signed it elsewhere must not overwrite the signed note.
            raise SignedNoteIsLocked("This note has been signed: add an addendum instead.")
        super().save(*args, **kwargs)
        self._stored_status = self.status

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise SignedNoteIsLocked("Session notes are part of the record: never deleted.")

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> SessionNote:
        instance = super().from_db(db, field_names, values)
        instance._stored_status = instance.__dict__.get("status") or ""
        return instance

    @property
    def is_signed(self) -> bool:
        return self.status == NoteStatus.SIGNED

    @property
    def sections(self) -> list[tuple[str, str]]:
        return unpack(self.content)


class _AppendOnly(models.Model):
    """Rows written once and never changed or deleted."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise SignedNoteIsLocked(f"{type(self).__name__} rows are written once, never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise SignedNoteIsLocked(f"{type(self).__name__} rows are part of the record.")


class NoteVersion(_AppendOnly):
    """Every saved state of a note, from the first draft to the signed text."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    note = models.ForeignKey(SessionNote, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    content = EncryptedTextField(blank=True, default="")
    risk_noted = models.BooleanField(null=True, blank=True)
    saved_at = models.DateTimeField(default=timezone.now)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # How this version came about: typed and saved, autosaved, kept after a session ended, signed.
    how = models.CharField(max_length=16)

    objects = _LockedQuerySet["NoteVersion"].as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["note", "number"], name="notes_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of note {self.note_id}"

    @property
    def sections(self) -> list[tuple[str, str]]:
        return unpack(self.content)


class Addendum(_AppendOnly):
    """Something added to a signed note afterwards: attributed and time-stamped."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    note = models.ForeignKey(SessionNote, on_delete=models.PROTECT, related_name="addenda")
    text = EncryptedTextField()
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = _LockedQuerySet["Addendum"].as_manager()

    class Meta:
        ordering = ["added_at"]

    def __str__(self) -> str:
        return f"Addendum {self.pk} to note {self.note_id}"


class KeptDraft(models.Model):
    """Text that arrived after the writer's session had ended, kept until they sign in again.

    The form carries a signed token naming the writer and the appointment, so the text is kept
    for that person alone and applied to the draft only once they are signed in again.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.CASCADE, related_name="+"
    )
    content = EncryptedTextField()
    risk_noted = models.BooleanField(null=True, blank=True)
    kept_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "appointment"], name="notes_kept_user_idx")]

    def __str__(self) -> str:
        return f"Kept text {self.pk}"

    @property
    def sections(self) -> list[tuple[str, str]]:
        return unpack(self.content)


class RetentionClass(models.TextChoices):
    """Records-retention classes: each runs from the ending of the work (see endings)."""

    CLINICAL = "clinical", "Clinical record"
    PROCESS = "process", "Process notes"


class ProcessNote(models.Model):
    """A practitioner's own reflections about a session, kept apart from the clinical record.

    Only their author reads them. They are still usually disclosable to the client on request
    (UK GDPR subject access), and have their own, shorter retention class.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(
        "scheduling.Appointment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField()
    retention_class = models.CharField(
        max_length=16,
        choices=RetentionClass.choices,
        default=RetentionClass.PROCESS,
        editable=False,
    )
    written_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-written_at"]
        indexes = [
            models.Index(fields=["client", "author", "-written_at"], name="notes_process_idx")
        ]

    def __str__(self) -> str:
        return f"Process note {self.pk}"


class Goal(models.Model):
    """One of the client's goals, in their own words, rated 0 to 10 over time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    words = EncryptedTextField()
    agreed_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["agreed_on", "created_at"]
        indexes = [models.Index(fields=["client", "agreed_on"], name="notes_goal_client_idx")]

    def __str__(self) -> str:
        return f"Goal {self.pk}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise SignedNoteIsLocked("Goals are part of the record: close a goal instead.")


class RatingOccasion(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment"
    SESSION = "session", "Session"
    REVIEW = "review", "Review"
    ENDING = "ending", "Ending"


class GoalRating(_AppendOnly):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="ratings")
    rating = models.PositiveSmallIntegerField()
    rated_on = models.DateField()
    occasion = models.CharField(max_length=16, choices=RatingOccasion.choices)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = _LockedQuerySet["GoalRating"].as_manager()

    class Meta:
        ordering = ["rated_on", "recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=0, rating__lte=10), name="notes_rating_0_to_10"
            )
        ]

    def __str__(self) -> str:
        return f"Rating {self.rating} on {self.rated_on}"


class NoteSearchToken(models.Model):
    """One distinct word of a signed note or its addenda, as a keyed hash: never the word itself.

    Derived data, rebuilt from the note whenever it changes (signing, an addendum) or on demand
    (`frame reindexnotes`), so unlike the record itself these rows are replaced freely. See
    docs/decisions (note search) for what the hashes do and do not reveal.
    """

    note = models.ForeignKey(SessionNote, on_delete=models.CASCADE, related_name="+")
    # The note's client and author, copied here so a search is one indexed lookup.
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    token = models.CharField(max_length=32)
    key_id = models.CharField(max_length=32)

    class Meta:
        indexes = [models.Index(fields=["author", "token"], name="notes_search_author_token")]
        constraints = [
            models.UniqueConstraint(fields=["note", "token"], name="notes_search_note_token")
        ]

    def __str__(self) -> str:
        return f"Search token of note {self.note_id}"
