"""Contract templates and their versions, client terms, agreements and the client's preferences.

Template versions, their clauses, agreements and chance-encounter preferences are written once
and never changed or deleted: an edit is a new row, so the history is the data itself.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from frame.accounts.models import Practice
from frame.clients.models import Client
from frame.lib.fields import EncryptedTextField

_M = TypeVar("_M", bound=models.Model)


class WrittenOnce(Exception):
    """Raised by any attempt to change or delete a record that is kept exactly as written."""


class WriteOnceQuerySet(models.QuerySet[_M]):
    def update(self, **kwargs: Any) -> int:
        raise WrittenOnce(f"{self.model.__name__} records are never changed; add a new one.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise WrittenOnce(f"{self.model.__name__} records are never deleted.")


class WriteOnceModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise WrittenOnce(f"{type(self).__name__} records are never changed; add a new one.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise WrittenOnce(f"{type(self).__name__} records are never deleted.")


# --- Templates --------------------------------------------------------------------------------


class ContractTemplate(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="contract_templates"
    )
    name = models.CharField(max_length=150)
    # The template new clients are offered unless their own contract names another.
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "name"], name="contract_template_name_unique"
            ),
            models.UniqueConstraint(
                fields=["practice"],
                condition=models.Q(is_default=True),
                name="contract_template_one_default",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TemplateVersion(WriteOnceModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    template = models.ForeignKey(
        ContractTemplate, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    # Empty for the version Frame ships.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    summary = models.CharField(max_length=300, blank=True)

    objects = WriteOnceQuerySet["TemplateVersion"].as_manager()

    class Meta:
        ordering = ["template", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"], name="template_version_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="template_version_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template_id} v{self.number}"


class Clause(WriteOnceModel):
    version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="clauses")
    position = models.PositiveIntegerField()
    key = models.SlugField(max_length=60)
    title = models.CharField(max_length=150)
    text = models.TextField(max_length=10_000)

    objects = WriteOnceQuerySet["Clause"].as_manager()

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="clause_key_unique"),
            models.UniqueConstraint(fields=["version", "position"], name="clause_position_unique"),
        ]

    def __str__(self) -> str:
        return self.title


# --- Terms ------------------------------------------------------------------------------------


class PracticeTerms(models.Model):
    """A practice's default terms, as stored `Terms` values (see terms.terms_to_dict)."""

    practice = models.OneToOneField(
        Practice, on_delete=models.PROTECT, related_name="contract_terms"
    )
    values = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Terms of practice {self.practice_id}"


class ClientContract(models.Model):
    """One client's contract settings: which template, and terms that differ from the practice's."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.OneToOneField(
        Client, on_delete=models.PROTECT, related_name="contract_settings"
    )
    template = models.ForeignKey(
        ContractTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    overrides = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Contract settings for {self.client_id}"


# --- Agreements -------------------------------------------------------------------------------


class AgreementMethod(models.TextChoices):
    PORTAL = "portal", "Agreed by the client in the portal"
    IN_SESSION = "in_session", "Agreed in a session"
    ON_PAPER = "on_paper", "Signed on paper"


PRACTITIONER_METHODS = (AgreementMethod.IN_SESSION, AgreementMethod.ON_PAPER)


class Agreement(WriteOnceModel):
    """One agreement to one exact text. The newest per client is the one in force."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="agreements")
    version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="+")
    # The terms in force under this agreement (what terms_for returns while it is the newest).
    terms = models.JSONField()
    # Exactly the text agreed, and its clauses (JSON) to compare with later versions.
    text = EncryptedTextField()
    clauses = EncryptedTextField()
    sha256 = models.CharField(max_length=64)
    method = models.CharField(max_length=16, choices=AgreementMethod.choices)
    agreed_on = models.DateField()
    recorded_at = models.DateTimeField(default=timezone.now)
    # The name the client typed in the portal.
    typed_name = EncryptedTextField(blank=True, default="")
    source_ip = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = EncryptedTextField(blank=True, default="")
    # An optional scan of a paper copy, stored under a generated name in the uploads folder.
    scan_name = models.CharField(max_length=80, blank=True)
    scan_original_name = EncryptedTextField(blank=True, default="")
    scan_content_type = models.CharField(max_length=40, blank=True)
    scan_size = models.PositiveIntegerField(null=True, blank=True)
    # The scan's own data key (see uploads.py), sealed here so key rotation covers it.
    scan_key = EncryptedTextField(blank=True, default="")

    objects = WriteOnceQuerySet["Agreement"].as_manager()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["client", "recorded_at"], name="agreement_client_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(method__in=AgreementMethod.values), name="agreement_method_valid"
            ),
            # The portal records the client's own act; anything else needs the staff member.
            models.CheckConstraint(
                condition=(
                    models.Q(method=AgreementMethod.PORTAL, recorded_by__isnull=True)
                    | (
                        ~models.Q(method=AgreementMethod.PORTAL)
                        & models.Q(recorded_by__isnull=False)
                    )
                ),
                name="agreement_recorded_by_matches_method",
            ),
        ]

    def __str__(self) -> str:
        return f"Agreement {self.pk} ({self.method})"

    @property
    def by_client(self) -> bool:
        return self.method == AgreementMethod.PORTAL

    @property
    def has_scan(self) -> bool:
        return bool(self.scan_name)


# --- The client's preferences -----------------------------------------------------------------


class EncounterChoice(models.TextChoices):
    DONT_ACKNOWLEDGE = "dont_acknowledge", "Please don't acknowledge me"
    NOD_OR_SMILE = "nod_or_smile", "A nod or a smile only"
    SAY_HELLO = "say_hello", "Say hello briefly"
    CLIENT_LEADS = "client_leads", "Let me take the lead"


class ChanceEncounterPreference(WriteOnceModel):
    """What the client would like if we meet by chance. The newest row is the one that applies."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="chance_encounter_preferences"
    )
    choice = models.CharField(max_length=20, choices=EncounterChoice.choices)
    # In the client's own words.
    note = EncryptedTextField(blank=True, default="")
    recorded_at = models.DateTimeField(default=timezone.now)
    # Empty when the client set it themselves in the portal.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_client = models.BooleanField(default=False)

    objects = WriteOnceQuerySet["ChanceEncounterPreference"].as_manager()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["client", "recorded_at"], name="encounter_client_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(choice__in=EncounterChoice.values),
                name="encounter_choice_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(by_client=True, recorded_by__isnull=True)
                | models.Q(by_client=False, recorded_by__isnull=False),
                name="encounter_recorded_by_or_client",
            ),
        ]

    def __str__(self) -> str:
        return self.get_choice_display()


class ReminderChannel(models.TextChoices):
    EMAIL = "email", "Email"
    NONE = "none", "No reminders"


class CalendarTitle(models.TextChoices):
    CASE_CODE = "case_code", "The case code"
    INITIALS = "initials", "Their initials"
    APPOINTMENT = "appointment", "Just “Appointment”"


class CommunicationPreferences(models.Model):
    """How Frame reminds the client and labels their appointments in calendars.

    Discreet wording lives on the client record (it also governs the practice's own contact), and
    the contact-between-sessions policy is part of the agreed terms.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.OneToOneField(
        Client, on_delete=models.PROTECT, related_name="communication_preferences"
    )
    reminder_channel = models.CharField(
        max_length=10, choices=ReminderChannel.choices, default=ReminderChannel.EMAIL
    )
    calendar_title = models.CharField(
        max_length=12, choices=CalendarTitle.choices, default=CalendarTitle.CASE_CODE
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reminder_channel__in=ReminderChannel.values),
                name="communication_channel_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(calendar_title__in=CalendarTitle.values),
                name="communication_calendar_title_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Communication preferences for {self.client_id}"
