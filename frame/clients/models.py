"""The client record, the people in the client's life, the care team and the status history."""

from __future__ import annotations

import secrets
import unicodedata
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from frame.accounts.models import Practice
from frame.lib.fields import EncryptedTextField

# No 0/O or 1/I/L: case codes are read aloud in supervision and copied by hand.
CASE_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_case_code() -> str:
    return "".join(secrets.choice(CASE_CODE_ALPHABET) for _ in range(6))


def search_key(text: str) -> str:
    """Lower-case, accent-free form used for prefix search and sorting."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


class Status(models.TextChoices):
    ENQUIRY = "enquiry", "Enquiry"
    ASSESSMENT = "assessment", "Assessment"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"
    ARCHIVED = "archived", "Archived"


class ReferralSource(models.TextChoices):
    SELF = "self", "Self-referred"
    GP = "gp", "GP or health professional"
    EMPLOYER = "employer", "Employer or employee assistance"
    EDUCATION = "education", "School, college or university"
    THERAPIST = "therapist", "Another therapist"
    DIRECTORY = "directory", "Online directory"
    OTHER = "other", "Other"


class Client(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="clients")
    case_code = models.CharField(max_length=12)

    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)

    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(max_length=500, blank=True)
    postcode = models.CharField(max_length=12, blank=True)

    # Safe-contact preferences: how Frame and the practice may reach this person without harm.
    may_leave_voicemail = models.BooleanField(default=False)
    may_email = models.BooleanField(default=True)
    may_text = models.BooleanField(default=False)
    discreet_wording = models.BooleanField(default=True)
    safe_contact_notes = EncryptedTextField(blank=True, default="")

    gp_name = models.CharField("GP name", max_length=150, blank=True)
    gp_surgery = models.CharField("GP surgery", max_length=200, blank=True)
    gp_phone = models.CharField("GP phone", max_length=40, blank=True)
    emergency_contact_name = models.CharField(max_length=150, blank=True)
    emergency_contact_relationship = models.CharField(max_length=80, blank=True)
    emergency_contact_phone = models.CharField(max_length=40, blank=True)

    referral_source = models.CharField(max_length=20, choices=ReferralSource.choices, blank=True)
    referral_reason = EncryptedTextField(blank=True, default="")

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ENQUIRY)
    status_changed_at = models.DateTimeField(default=timezone.now)
    sort_key = models.CharField(max_length=210, editable=False)
    given_key = models.CharField(max_length=100, editable=False)
    preferred_key = models.CharField(max_length=100, editable=False)

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "case_code"], name="client_case_code_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="client_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["practice", "sort_key"], name="client_practice_sort_idx"),
            models.Index(fields=["practice", "status", "sort_key"], name="client_status_sort_idx"),
            models.Index(fields=["practice", "given_key"], name="client_given_idx"),
            models.Index(fields=["practice", "preferred_key"], name="client_preferred_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: object, **kwargs: object) -> None:
        self.refresh_search_keys()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def refresh_search_keys(self) -> None:
        self.sort_key = search_key(f"{self.family_name} {self.given_name}")
        self.given_key = search_key(self.given_name)
        self.preferred_key = search_key(self.preferred_name)

    @property
    def display_name(self) -> str:
        known_as = (
            f" ({self.preferred_name})"
            if self.preferred_name and self.preferred_name != self.given_name
            else ""
        )
        return f"{self.given_name}{known_as} {self.family_name}"


class CareTeamMember(models.Model):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="care_team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_team_links"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "user"], name="care_team_unique")]
        indexes = [models.Index(fields=["user", "client"], name="care_team_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} on {self.client_id}"


class StatusChange(models.Model):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    effective_date = models.DateField(default=timezone.localdate)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["changed_at"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"


class Person(models.Model):
    """Someone in the client's life, named so later checks (dual relationships) can find them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="people")
    name = models.CharField(max_length=150)
    relationship = models.CharField(max_length=80)
    organisation = models.CharField(max_length=150, blank=True)
    added_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"
