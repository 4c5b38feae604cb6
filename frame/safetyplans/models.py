"""Safety plans built with the client: one plan per client, kept as immutable versions.

A version is never changed once written: editing the plan writes the next version, so what the
client was given on a date stays exactly as given. What the client suggests from the portal is a
Suggestion: it never touches a version. The practitioner reviews it, and accepting writes a new
version (see actions.py). The plan's words and contacts are encrypted.

The practice's statement of when messages are and are not read lives here too: it is shown with
the crisis contacts on every portal page and wherever a client might write to the practitioner.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from frame.lib.fields import EncryptedTextField
from frame.portal.models import Nation


class SafetyPlanIsKept(Exception):
    """A safety-plan version or suggestion was about to be changed or deleted out of turn."""


_M = TypeVar("_M", bound=models.Model)


class _KeptQuerySet(models.QuerySet[_M]):
    """Bulk writes skip the models' own checks, so they are refused outright."""

    def update(self, **kwargs: Any) -> int:
        raise SafetyPlanIsKept(f"{self.model.__name__} rows change one at a time, never update().")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise SafetyPlanIsKept(f"{self.model.__name__} rows are part of the record.")


@dataclass(frozen=True)
class Section:
    key: str
    heading: str  # as the client reads it, in the first person
    prompt: str  # a gentle question to help fill it in


# Frame's own words for the seven parts of a safety plan (the structure follows Stanley and
# Brown's safety planning; the wording is ours).
SECTIONS: tuple[Section, ...] = (
    Section(
        "warning_signs",
        "Signs that a hard time may be coming",
        "What do you notice first — thoughts, feelings, places or things you start doing?",
    ),
    Section(
        "on_my_own",
        "Things I can do on my own",
        "What helps you get through, even a little, without needing anyone else?",
    ),
    Section(
        "people_places",
        "People and places that help me feel better",
        "Who could you be with, or where could you go, to take your mind off things?",
    ),
    Section(
        "ask_for_help",
        "People I can ask for help",
        "Who could you tell that you are struggling and ask to help?",
    ),
    Section(
        "professionals",
        "Professionals and services I can contact",
        "Which professionals or services would you contact? Crisis lines are listed below.",
    ),
    Section(
        "safer_surroundings",
        "Making my surroundings safer",
        "What could you put out of reach, or ask someone to keep for you, when things are hard?",
    ),
    Section(
        "reasons_for_living",
        "My reasons for living",
        "What matters most to you and is worth holding on for?",
    ),
)
SECTION_KEYS = tuple(section.key for section in SECTIONS)
SECTION_HEADINGS = {section.key: section.heading for section in SECTIONS}


@dataclass(frozen=True)
class PlanContact:
    """Someone in the plan the client can phone."""

    name: str
    role: str  # relationship or role: "sister", "GP surgery"
    phone: str
    when: str = ""  # when to contact them


def pack_sections(sections: dict[str, str]) -> str:
    return json.dumps({key: sections.get(key, "") for key in SECTION_KEYS}, ensure_ascii=False)


def unpack_sections(content: str) -> dict[str, str]:
    stored = json.loads(content) if content else {}
    return {key: str(stored.get(key, "")) for key in SECTION_KEYS}


def pack_contacts(contacts: list[PlanContact]) -> str:
    return json.dumps([asdict(contact) for contact in contacts], ensure_ascii=False)


def unpack_contacts(content: str) -> list[PlanContact]:
    return [PlanContact(**row) for row in (json.loads(content) if content else [])]


class SafetyPlan(models.Model):
    """A client's safety plan: the versions hold the words; this row points at the latest."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.OneToOneField(
        "clients.Client", on_delete=models.PROTECT, related_name="safety_plan"
    )
    current_version = models.ForeignKey(
        "SafetyPlanVersion", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = _KeptQuerySet["SafetyPlan"].as_manager()

    def __str__(self) -> str:
        return f"Safety plan {self.pk}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise SafetyPlanIsKept("Safety plans are part of the record: never deleted.")


class SafetyPlanVersion(models.Model):
    """One version of the plan, exactly as it was written. Never changed or deleted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(SafetyPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    # JSON of section key -> text (see pack_sections), encrypted as one value.
    content = EncryptedTextField()
    # JSON list of PlanContact rows, encrypted as one value.
    contacts = EncryptedTextField(blank=True, default="")
    made_with_client_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = _KeptQuerySet["SafetyPlanVersion"].as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="safetyplans_version_unique")
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of safety plan {self.plan_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise SafetyPlanIsKept("A safety-plan version is never changed: write a new one.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise SafetyPlanIsKept("Safety-plan versions are part of the record: never deleted.")

    @property
    def sections(self) -> dict[str, str]:
        return unpack_sections(self.content)

    @property
    def section_list(self) -> list[tuple[Section, str]]:
        texts = self.sections
        return [(section, texts[section.key]) for section in SECTIONS]

    @property
    def contact_list(self) -> list[PlanContact]:
        return unpack_contacts(self.contacts)


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    ACCEPTED = "accepted", "Taken into the plan"
    DECLINED = "declined", "Not taken into the plan"


class Suggestion(models.Model):
    """A change the client would like to one section of their plan. It never changes the plan:
    the practitioner accepts it (writing a new version) or declines it, with a reply."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(SafetyPlan, on_delete=models.PROTECT, related_name="suggestions")
    # The version the client was reading when they wrote it.
    based_on = models.ForeignKey(SafetyPlanVersion, on_delete=models.PROTECT, related_name="+")
    section = models.CharField(max_length=32, choices=[(s.key, s.heading) for s in SECTIONS])
    text = EncryptedTextField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=16, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING
    )
    reply = EncryptedTextField(blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # The version that took it in, when accepted.
    resulting_version = models.ForeignKey(
        SafetyPlanVersion, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects = _KeptQuerySet["Suggestion"].as_manager()

    class Meta:
        ordering = ["-made_at"]
        indexes = [
            models.Index(fields=["plan", "status"], name="safetyplans_suggestion_idx"),
            # The home page's "waiting for review" across a caseload starts from here.
            models.Index(fields=["status", "made_at"], name="safetyplans_waiting_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(status="pending", decided_at__isnull=True, decided_by__isnull=True)
                    | (
                        ~models.Q(status="pending")
                        & models.Q(decided_at__isnull=False, decided_by__isnull=False)
                    )
                ),
                name="safetyplans_suggestion_decided_pair",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status="accepted", resulting_version__isnull=False)
                    | (~models.Q(status="accepted") & models.Q(resulting_version__isnull=True))
                ),
                name="safetyplans_suggestion_accepted_version",
            ),
        ]

    def __str__(self) -> str:
        return f"Suggestion {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and (
            type(self)._base_manager.filter(pk=self.pk).exclude(status="pending").exists()
        ):
            # An answer, once given, is part of the record: a stale copy cannot rewrite it.
            raise SafetyPlanIsKept("This suggestion has been answered and is kept as it is.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise SafetyPlanIsKept("Suggestions are part of the record: never deleted.")

    @property
    def heading(self) -> str:
        return SECTION_HEADINGS.get(self.section, self.section)

    @property
    def is_pending(self) -> bool:
        return self.status == SuggestionStatus.PENDING


# Frame's words until the owner writes the practice's own: no promise of a reply time, which
# only the practice can make.
DEFAULT_MESSAGES_STATEMENT = (
    "Messages are read during working hours only. They are not read in the evenings, at "
    "weekends, on bank holidays or while your practitioner is away, so please do not wait for "
    "a reply if you need help now."
)


class MessagesStatement(models.Model):
    """When a practice's messages are and are not read, in its owner's words."""

    practice = models.OneToOneField("accounts.Practice", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=600)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Messages statement for practice {self.practice_id}"


class CrisisNation(models.Model):
    """Which UK nation a client's crisis lines should be for, as the practitioner recorded it.

    Frame holds no reliable nation for a client (a postcode alone is ambiguous along the borders),
    so until someone records one, the client sees every contact with the nations it serves.
    """

    client = models.OneToOneField("clients.Client", on_delete=models.PROTECT, related_name="+")
    nation = models.CharField(max_length=20, choices=Nation.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Crisis-line nation for client {self.client_id}"
